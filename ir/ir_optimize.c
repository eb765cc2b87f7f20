/* ir_optimize.c — the load-time pass pipeline, one straight line:
 *
 *   inline -> fold_attrs -> const_prop -> dce
 *
 * with ir_verify after every pass in debug builds or when TSJ_VERIFY=1
 * (TSJ_VERIFY=0 turns it off). A verification failure names the pass. */
#include "ir_impl.h"

static int checked(const ir_graph *g, const char *pass, bool verify, rt_err *e)
{
    if (!verify || !ir_verify(g, e))
        return 0;
    rt_err_prefix(e, "after %s", pass);
    return -1;
}

int ir_optimize(ir_graph *g, rt_value root, rt_err *e)
{
    bool verify = ir_verify_enabled();
    if (checked(g, "the frontend", verify, e))
        return -1;
    if (ir_pass_inline(g, e) || checked(g, "ir_pass_inline", verify, e))
        return -1;
    if (ir_pass_fold_attrs(g, root, e) || checked(g, "ir_pass_fold_attrs", verify, e))
        return -1;
    if (ir_pass_const_prop(g, e) || checked(g, "ir_pass_const_prop", verify, e))
        return -1;
    if (ir_pass_dce(g, e) || checked(g, "ir_pass_dce", verify, e))
        return -1;
    return 0;
}
