/* api_model.c — loading models and calling their methods through the C ABI.
 * The frontend, interpreter and code generator plug in here as they land. */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

struct tsj_model {
    struct tsj_options opts;
};

#define NOT_YET(err, what) \
    api_failf(err, TSJ_ERR_NOT_IMPLEMENTED, "%s is not supported yet in this build of tsjit", what)

TSJ_API tsj_status tsj_model_load(const char *path, const tsj_options *opts, tsj_model **out,
                                  tsj_error **err)
{
    if (!path || !out)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "path and out must not be NULL");
    (void)opts;
    return NOT_YET(err, "loading a model");
}

TSJ_API tsj_status tsj_model_load_buffer(const void *data, size_t size, const tsj_options *opts,
                                         tsj_model **out, tsj_error **err)
{
    if ((!data && size) || !out)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "data and out must not be NULL");
    (void)opts;
    return NOT_YET(err, "loading a model");
}

TSJ_API void tsj_model_free(tsj_model *model) { free(model); }

TSJ_API size_t tsj_model_method_count(const tsj_model *model)
{
    (void)model;
    return 0;
}

TSJ_API const char *tsj_model_method_name(const tsj_model *model, size_t i)
{
    (void)model;
    (void)i;
    return NULL;
}

TSJ_API const char *tsj_model_method_signature(const tsj_model *model, const char *method)
{
    (void)model;
    (void)method;
    return NULL;
}

TSJ_API tsj_status tsj_model_call(tsj_model *model, const char *method, tsj_value *const *args,
                                  size_t nargs, tsj_value **result, tsj_error **err)
{
    if (!model || !method || (nargs && !args) || !result)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT,
                         "model, method, args and result must not be NULL");
    return NOT_YET(err, "calling a method");
}

TSJ_API tsj_status tsj_model_set_option(tsj_model *model, const char *key, const char *value,
                                        tsj_error **err)
{
    if (!model)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "model must not be NULL");
    rt_err e;
    rt_err_clear(&e);
    return api_options_set(&model->opts, key, value, &e) ? api_fail(&e, err) : TSJ_OK;
}

TSJ_API tsj_status tsj_model_describe(tsj_model *model, const char *what, const char *method,
                                      tsj_value *const *args, size_t nargs, char **text,
                                      tsj_error **err)
{
    if (!model || !what || !text)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "model, what and text must not be NULL");
    return NOT_YET(err, "describing a model");
}

TSJ_API tsj_status tsj_value_format(const tsj_value *v, char **text)
{
    (void)v;
    (void)text;
    return TSJ_ERR_NOT_IMPLEMENTED;
}
