/* test_ir_graph.c — the graph builder, editing helpers, clone, block
 * copying, the program tables and ir_verify's error messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "ir.h"

static const rt_loc NOLOC = {0};

static rt_op_id op_id(const char *name)
{
    rt_op_id id = rt_op_lookup(name);
    if (id == RT_OP_COUNT)
        fail_msg("operator %s is not in the table", name);
    return id;
}

/* graph(%x : Tensor, %c : bool):
 *   %one = 1; %s = add(x, x, one); %r = If(c) {relu(s)} {x}; return r */
static ir_graph *build_basic(void)
{
    rt_err e;
    rt_err_clear(&e);
    ir_graph *g = ir_graph_new(&e);
    assert_non_null(g);
    ir_vid x = ir_block_add_param(g, 0, &rt_type_tensor, "x", &e);
    ir_vid c = ir_block_add_param(g, 0, &rt_type_bool, "c", &e);
    ir_vid one = ir_const(g, 0, rt_int(1), &rt_type_int, NOLOC, &e);
    const rt_type *tt = &rt_type_tensor;
    ir_vid in[3] = {x, x, one};
    rt_loc loc = {"code/m.py", 7, 11};
    ir_nid add = ir_op(g, 0, op_id("aten::add.Tensor"), in, 3, &tt, 1, loc, &e);
    assert_int_not_equal(add, IR_NONE);
    ir_vid s = g->nodes[add].out[0];
    ir_bid b0 = ir_block_new(g, &e), b1 = ir_block_new(g, &e);
    ir_nid relu = ir_op(g, b0, op_id("aten::relu"), &s, 1, &tt, 1, NOLOC, &e);
    ir_vid r0 = g->nodes[relu].out[0];
    assert_int_equal(ir_block_set_rets(g, b0, &r0, 1, &e), 0);
    assert_int_equal(ir_block_set_rets(g, b1, &x, 1, &e), 0);
    ir_bid blocks[2] = {b0, b1};
    ir_nid ifn = ir_node_append(g, 0, IR_IF, &c, 1, &tt, 1, blocks, 2, NOLOC, &e);
    assert_int_not_equal(ifn, IR_NONE);
    assert_int_equal(g->blocks[b0].owner, ifn);
    ir_vid r = g->nodes[ifn].out[0];
    assert_int_equal(ir_value_set_name(g, r, "r", &e), 0);
    assert_int_equal(ir_block_set_rets(g, 0, &r, 1, &e), 0);
    return g;
}

static const char *BASIC =
    "graph(%x : Tensor, %c : bool):\n"
    "  %2 : int = prim::Constant[value=1]()\n"
    "  %3 : Tensor = aten::add.Tensor(%x, %x, %2)  # code/m.py:7:11\n"
    "  %r : Tensor = prim::If(%c)\n"
    "    block0():\n"
    "      %4 : Tensor = aten::relu(%3)\n"
    "      -> (%4)\n"
    "    block1():\n"
    "      -> (%x)\n"
    "  return (%r)\n";

static void test_build_print(void **state)
{
    (void)state;
    ir_graph *g = build_basic();
    rt_err e;
    rt_err_clear(&e);
    if (ir_verify(g, &e))
        fail_msg("%s", e.msg);
    char *text = ir_print(g);
    assert_string_equal(text, BASIC);
    free(text);
    ir_graph_free(g);
}

static void test_clone(void **state)
{
    (void)state;
    ir_graph *g = build_basic();
    rt_err e;
    rt_err_clear(&e);
    ir_graph *c = ir_graph_clone(g, &e);
    assert_non_null(c);
    assert_int_equal(c->nvalues, g->nvalues);
    assert_int_equal(c->nnodes, g->nnodes);
    assert_int_equal(c->nblocks, g->nblocks);
    ir_graph_free(g); /* the clone owns copies of names, types and files */
    char *text = ir_print(c);
    assert_string_equal(text, BASIC);
    free(text);
    /* the clone is independently editable: params can still grow */
    ir_vid y = ir_block_add_param(c, 0, &rt_type_int, "y", &e);
    assert_int_not_equal(y, IR_NONE);
    assert_int_equal(c->blocks[0].nparams, 3);
    assert_int_equal(ir_verify(c, &e), 0);
    ir_graph_free(c);
}

static void test_replace_remove(void **state)
{
    (void)state;
    ir_graph *g = build_basic();
    rt_err e;
    rt_err_clear(&e);
    /* relu(%3) -> relu(%x); then the add is unused and can go */
    ir_nid add = g->values[3].def;
    ir_vid x = g->blocks[0].params[0];
    ir_value_replace_uses(g, g->nodes[add].out[0], x);
    ir_node_remove(g, add);
    assert_true(g->nodes[add].dead);
    assert_int_equal(ir_verify(g, &e), 0);
    char *text = ir_print(g);
    assert_non_null(strstr(text, "aten::relu(%x)"));
    assert_null(strstr(text, "aten::add"));
    free(text);
    /* removing the If removes its blocks' nodes too; return x instead */
    ir_nid ifn = g->values[g->blocks[0].rets[0]].def;
    ir_value_replace_uses(g, g->blocks[0].rets[0], x);
    ir_nid relu = g->blocks[g->nodes[ifn].blocks[0]].nodes[0];
    ir_node_remove(g, ifn);
    assert_true(g->nodes[relu].dead);
    assert_int_equal(g->blocks[g->nodes[ifn].blocks[0]].nnodes, 0);
    assert_int_equal(ir_verify(g, &e), 0);
    text = ir_print(g);
    assert_string_equal(text, "graph(%x : Tensor, %c : bool):\n"
                              "  %2 : int = prim::Constant[value=1]()\n"
                              "  return (%x)\n");
    free(text);
    ir_graph_free(g);
}

static void test_move_and_splice(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    ir_graph *g = ir_graph_new(&e);
    ir_vid v[5];
    for (int i = 0; i < 5; i++)
        v[i] = ir_const(g, 0, rt_int(i), &rt_type_int, NOLOC, &e);
    ir_block_set_rets(g, 0, v, 5, &e);
    /* order 0 1 2 3 4 -> move 4 before 1 -> 0 4 1 2 3 */
    ir_node_move_before(g, g->values[v[4]].def, g->values[v[1]].def);
    /* move the tail (2, 3) before 0 -> 2 3 0 4 1 */
    ir_block_move_tail_before(g, 0, 2, g->values[v[0]].def);
    int64_t want[5] = {2, 3, 0, 4, 1};
    for (int i = 0; i < 5; i++)
        assert_int_equal(g->nodes[g->blocks[0].nodes[i]].attr.u.i, want[i]);
    /* move 2 (first) before 1 (last) -> 3 0 4 2 1 */
    ir_node_move_before(g, g->values[v[2]].def, g->values[v[1]].def);
    int64_t want2[5] = {3, 0, 4, 2, 1};
    for (int i = 0; i < 5; i++)
        assert_int_equal(g->nodes[g->blocks[0].nodes[i]].attr.u.i, want2[i]);

    /* splice a detached block's nodes before node "0" */
    ir_bid b = ir_block_new(g, &e);
    ir_vid w = ir_const(g, b, rt_int(9), &rt_type_int, NOLOC, &e);
    ir_block_splice_before(g, b, g->values[v[0]].def);
    assert_int_equal(g->blocks[b].nnodes, 0);
    assert_int_equal(g->nodes[g->values[w].def].parent, 0);
    assert_int_equal(g->nodes[g->blocks[0].nodes[1]].attr.u.i, 9);
    assert_int_equal(ir_verify(g, &e), 0);
    uint32_t *uses = calloc(g->nvalues, sizeof *uses);
    ir_graph_count_uses(g, uses);
    assert_int_equal(uses[v[0]], 1);
    assert_int_equal(uses[w], 0);
    free(uses);
    const rt_value *cv = ir_value_const(g, w);
    assert_non_null(cv);
    assert_int_equal(cv->u.i, 9);
    assert_null(ir_value_const(g, IR_NONE));
    ir_graph_free(g);
}

static void test_copy_block(void **state)
{
    (void)state;
    ir_graph *src = build_basic();
    rt_err e;
    rt_err_clear(&e);
    /* copy src's body into a new graph whose params are (a, b) */
    ir_graph *dst = ir_graph_new(&e);
    ir_vid a = ir_block_add_param(dst, 0, &rt_type_tensor, "a", &e);
    ir_vid b = ir_block_add_param(dst, 0, &rt_type_bool, "b", &e);
    ir_vid args[2] = {a, b}, rets[1];
    assert_int_equal(ir_graph_copy_block(dst, 0, src, 0, args, rets, &e), 0);
    ir_graph_free(src);
    assert_int_equal(ir_block_set_rets(dst, 0, rets, 1, &e), 0);
    assert_int_equal(ir_verify(dst, &e), 0);
    char *text = ir_print(dst);
    assert_string_equal(text, "graph(%a : Tensor, %b : bool):\n"
                              "  %2 : int = prim::Constant[value=1]()\n"
                              "  %3 : Tensor = aten::add.Tensor(%a, %a, %2)  # code/m.py:7:11\n"
                              "  %r : Tensor = prim::If(%b)\n"
                              "    block0():\n"
                              "      %4 : Tensor = aten::relu(%3)\n"
                              "      -> (%4)\n"
                              "    block1():\n"
                              "      -> (%a)\n"
                              "  return (%r)\n");
    free(text);
    ir_graph_free(dst);
}

static void test_make_const_and_inputs(void **state)
{
    (void)state;
    ir_graph *g = build_basic();
    rt_err e;
    rt_err_clear(&e);
    ir_nid ifn = g->values[g->blocks[0].rets[0]].def;
    ir_vid x = g->blocks[0].params[0];
    /* swap the add's inputs for (x, x, x)? no: set (x, x, const) anew */
    ir_nid add = g->values[3].def;
    ir_vid in[3] = {x, x, g->nodes[add].in[2]};
    assert_int_equal(ir_node_set_inputs(g, add, in, 3, &e), 0);
    float d[2] = {1.5f, -2};
    int64_t shape[1] = {2};
    rt_tensor *t = ts_tensor_f32(1, shape, d);
    ir_node_make_const(g, ifn, rt_tensor_value(t));
    rt_tensor_release(t);
    assert_int_equal(ir_verify(g, &e), 0);
    char *text = ir_print(g);
    assert_non_null(strstr(text, "%r : Tensor = prim::Constant[value=tensor(float32, [2], [1.5, -2.])]()\n"));
    assert_null(strstr(text, "aten::relu"));
    free(text);
    ir_graph_free(g);
}

static void test_program(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    ir_program *p = ir_program_new(&e);
    ir_class *m = ir_program_add_class(p, "__torch__.M", &e);
    assert_non_null(m);
    assert_null(ir_program_add_class(p, "__torch__.M", &e));
    assert_non_null(strstr(e.msg, "defined twice"));
    assert_ptr_equal(m->type->cls, m);
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "a%d", i);
        assert_int_equal(ir_class_add_attr(p, m, name, &rt_type_int, &e), i);
    }
    assert_int_equal(ir_class_find_attr(m, "a13"), 13);
    assert_int_equal(ir_class_find_attr(m, "zz"), -1);
    for (int i = 0; i < 9; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", i);
        ir_func *f = ir_program_add_func(p, m, name, &e);
        assert_non_null(f);
        f->graph = ir_graph_new(&e); /* owned by the program */
    }
    assert_non_null(ir_class_find_method(m, "m8"));
    assert_null(ir_program_add_func(p, m, "m3", &e));
    rt_value s;
    assert_int_equal(rt_str_from_cstr("hi", &s, &e), 0);
    assert_int_equal(ir_class_add_const(p, m, "greeting", s, &e), 0);
    rt_value_release(s);
    assert_int_equal(rt_object_new(m, m->nattrs, &p->root, &e), 0);
    p->root_class = m;
    ir_program_free(p);
}

/* ---- verify errors ---- */

static void expect_verify(ir_graph *g, const char *want)
{
    rt_err e;
    rt_err_clear(&e);
    int rc = ir_verify(g, &e);
    if (rc == 0)
        fail_msg("ir_verify passed, expected: %s", want);
    if (!strstr(e.msg, want))
        fail_msg("ir_verify said\n  %s\nexpected\n  %s", e.msg, want);
    ir_graph_free(g);
}

static void test_verify_errors(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    const rt_type *tt = &rt_type_tensor;

    /* use before definition */
    ir_graph *g = build_basic();
    ir_node_move_before(g, g->values[3].def, g->values[2].def);
    expect_verify(g, "ir_verify: %3 = aten::add.Tensor (code/m.py:7:11) uses %2 as input 2, "
                     "which is not defined before it");

    /* a value from inside an If used after it */
    g = build_basic();
    ir_nid ifn = g->values[g->blocks[0].rets[0]].def;
    ir_vid inner = g->blocks[g->nodes[ifn].blocks[0]].rets[0];
    ir_op(g, 0, op_id("aten::neg"), &inner, 1, &tt, 1, NOLOC, &e);
    expect_verify(g, "uses %4 as input 0, which is defined in a block that does not enclose "
                     "this use");

    /* graph returns a value from inside a block */
    g = build_basic();
    ifn = g->values[g->blocks[0].rets[0]].def;
    inner = g->blocks[g->nodes[ifn].blocks[0]].rets[0];
    ir_block_set_rets(g, 0, &inner, 1, &e);
    expect_verify(g, "block 0 returns %4 as a return, which is defined in a block");

    /* op arity */
    g = build_basic();
    ir_vid x = g->blocks[0].params[0];
    ir_vid xx[2] = {x, x};
    ir_op(g, 0, op_id("aten::add.Tensor"), xx, 2, &tt, 1, NOLOC, &e);
    expect_verify(g, "has 2 inputs, its schema");

    /* op input type */
    g = build_basic();
    ir_vid c = g->blocks[0].params[1];
    ir_op(g, 0, op_id("aten::relu"), &c, 1, &tt, 1, NOLOC, &e);
    expect_verify(g, "input 0 (self) %c has type bool, expected Tensor");

    /* op output count */
    g = build_basic();
    const rt_type *two[2] = {tt, tt};
    ir_op(g, 0, op_id("aten::relu"), &x, 1, two, 2, NOLOC, &e);
    expect_verify(g, "has 2 outputs, its schema");

    /* If on a non-bool */
    g = build_basic();
    ifn = g->values[g->blocks[0].rets[0]].def;
    g->nodes[ifn].in[0] = x;
    expect_verify(g, "%r = prim::If: the condition %x has type Tensor, not bool");

    /* If branch arity */
    g = build_basic();
    ifn = g->values[g->blocks[0].rets[0]].def;
    g->blocks[g->nodes[ifn].blocks[1]].nrets = 0;
    expect_verify(g, "block1 returns 0 values for 1 outputs");

    /* If branch type */
    g = build_basic();
    ifn = g->values[g->blocks[0].rets[0]].def;
    g->blocks[g->nodes[ifn].blocks[1]].rets[0] = c;
    expect_verify(g, "block1 returns %c of type bool for output 0 of type Tensor");

    /* Loop: carried types */
    g = ir_graph_new(&e);
    x = ir_block_add_param(g, 0, tt, "x", &e);
    ir_vid n = ir_block_add_param(g, 0, &rt_type_int, "n", &e);
    ir_vid t = ir_const(g, 0, rt_bool(true), &rt_type_bool, NOLOC, &e);
    ir_bid body = ir_block_new(g, &e);
    ir_block_add_param(g, body, &rt_type_int, "i", &e);
    ir_vid yp = ir_block_add_param(g, body, &rt_type_float, "y.1", &e);
    ir_vid brets[2] = {t, yp};
    ir_block_set_rets(g, body, brets, 2, &e);
    ir_vid lin[3] = {n, t, x};
    ir_nid loop = ir_node_append(g, 0, IR_LOOP, lin, 3, &tt, 1, &body, 1, NOLOC, &e);
    ir_block_set_rets(g, 0, &g->nodes[loop].out[0], 1, &e);
    expect_verify(g, "carried value 0: the body param %y.1 has type float, the output type "
                     "Tensor");

    /* Loop: body arity */
    g = ir_graph_new(&e);
    x = ir_block_add_param(g, 0, tt, "x", &e);
    n = ir_block_add_param(g, 0, &rt_type_int, "n", &e);
    t = ir_const(g, 0, rt_bool(true), &rt_type_bool, NOLOC, &e);
    body = ir_block_new(g, &e);
    ir_block_add_param(g, body, &rt_type_int, "i", &e);
    ir_block_set_rets(g, body, &t, 1, &e);
    ir_node_append(g, 0, IR_LOOP, lin, 3, &tt, 1, &body, 1, NOLOC, &e);
    expect_verify(g, "the body has 1 params, expected 2 (iter, carried...)");

    /* constant of the wrong kind */
    g = ir_graph_new(&e);
    ir_const(g, 0, rt_float(1.5), &rt_type_bool, NOLOC, &e);
    expect_verify(g, "the constant is a float, its output has type bool");

    /* a block listed twice */
    g = build_basic();
    ifn = g->values[g->blocks[0].rets[0]].def;
    g->nodes[ifn].blocks[1] = g->nodes[ifn].blocks[0];
    expect_verify(g, "is owned by two nodes");

    /* a removed node still listed */
    g = build_basic();
    g->nodes[g->values[2].def].dead = true;
    expect_verify(g, "lists the removed node");

    /* GetAttr on a non-object */
    g = build_basic();
    ir_nid ga = ir_node_append(g, 0, IR_GETATTR, &x, 1, &tt, 1, NULL, 0, NOLOC, &e);
    g->nodes[ga].name = "w";
    expect_verify(g, "prim::GetAttr[name=\"w\"]: the object has type Tensor, not a class");

    /* varargs ops are exempt from the count check (when the table has one) */
    for (int i = 0; i < RT_OP_COUNT; i++) {
        const rt_op *op = rt_op_get((rt_op_id)i);
        if (!(op->flags & RT_OPF_VARARGS) || op->schema.nrets != 1)
            continue;
        g = ir_graph_new(&e);
        x = ir_block_add_param(g, 0, &rt_type_int, "x", &e);
        ir_vid many[5] = {x, x, x, x, x};
        ir_op(g, 0, (rt_op_id)i, many, 5, &op->schema.rets[0].type, 1, NOLOC, &e);
        if (ir_verify(g, &e))
            assert_null(strstr(e.msg, "inputs, its schema"));
        ir_graph_free(g);
        break;
    }
}

static void test_builder_errors(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    ir_graph *g = ir_graph_new(&e);
    ir_bid b = ir_block_new(g, &e);
    const rt_type *tt = &rt_type_tensor;
    /* block 0 cannot be a sub-block; a block cannot be attached twice */
    ir_bid zero = 0;
    assert_int_equal(ir_node_append(g, 0, IR_IF, NULL, 0, &tt, 1, &zero, 1, NOLOC, &e), IR_NONE);
    assert_non_null(strstr(e.msg, "not a free block"));
    ir_bid two[2] = {b, b};
    assert_int_equal(ir_node_append(g, 0, IR_IF, NULL, 0, &tt, 1, two, 2, NOLOC, &e), IR_NONE);
    assert_int_equal(ir_block_add_param(g, 99, tt, "p", &e), IR_NONE);
    assert_int_equal(ir_block_set_rets(g, 99, NULL, 0, &e), -1);
    /* many params: the arena array grows */
    for (int i = 0; i < 100; i++)
        assert_int_not_equal(ir_block_add_param(g, 0, &rt_type_int, NULL, &e), IR_NONE);
    for (uint32_t i = 0; i < 100; i++)
        assert_int_equal(g->values[g->blocks[0].params[i]].index, i);
    assert_int_equal(ir_verify(g, &e), 0);
    ir_graph *c = ir_graph_clone(g, &e);
    for (int i = 0; i < 30; i++)
        assert_int_not_equal(ir_block_add_param(c, 0, &rt_type_int, NULL, &e), IR_NONE);
    assert_int_equal(ir_verify(c, &e), 0);
    ir_graph_free(c);
    ir_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_print),      cmocka_unit_test(test_clone),
        cmocka_unit_test(test_replace_remove),   cmocka_unit_test(test_move_and_splice),
        cmocka_unit_test(test_copy_block),       cmocka_unit_test(test_make_const_and_inputs),
        cmocka_unit_test(test_program),          cmocka_unit_test(test_verify_errors),
        cmocka_unit_test(test_builder_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
