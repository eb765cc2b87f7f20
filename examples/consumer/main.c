/* main.c — a minimal program using an installed tsjit: it builds a tensor,
 * saves it as .npy, reads it back and, given a model and .npy inputs,
 * calls the model's forward method. Usage: consumer [MODEL.pt [X.npy...]] */
#include <stdio.h>
#include <tsjit.h>

int main(int argc, char **argv)
{
    float data[6] = {0, 1, 2, 3, 4, 5};
    int64_t shape[2] = {2, 3};
    tsj_value *t = NULL;
    tsj_error *err = NULL;
    if (tsj_tensor_create(TSJ_FLOAT32, 2, shape, data, &t, &err) != TSJ_OK)
        goto fail;
    printf("tsjit %s: made a %s tensor of %lld elements\n", tsj_version(),
           tsj_dtype_name(tsj_tensor_dtype(t)), (long long)tsj_tensor_numel(t));
    tsj_value_release(t);
    if (argc < 2)
        return 0;

    tsj_model *model = NULL;
    if (tsj_model_load(argv[1], NULL, &model, &err) != TSJ_OK)
        goto fail;
    tsj_value *args[16];
    int nargs = 0;
    for (int i = 2; i < argc && nargs < 16; i++)
        if (tsj_npy_load(argv[i], &args[nargs++], &err) != TSJ_OK)
            goto fail;
    tsj_value *out = NULL;
    if (tsj_model_call(model, "forward", args, (size_t)nargs, &out, &err) != TSJ_OK)
        goto fail;
    printf("forward returned a %s\n", tsj_kind_name(tsj_value_kind(out)));
    tsj_value_release(out);
    for (int i = 0; i < nargs; i++)
        tsj_value_release(args[i]);
    tsj_model_free(model);
    return 0;
fail:
    fprintf(stderr, "error: %s\n", tsj_error_message(err));
    tsj_error_free(err);
    return 1;
}
