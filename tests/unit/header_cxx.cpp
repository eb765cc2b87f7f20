// header_cxx.cpp — tsjit.h compiles as C++ and links from C++.
#include <tsjit.h>

#include <cstdio>

int main()
{
    float data[4] = {1, 2, 3, 4};
    int64_t shape[2] = {2, 2};
    tsj_value *t = nullptr;
    tsj_error *err = nullptr;
    if (tsj_tensor_create(TSJ_FLOAT32, 2, shape, data, &t, &err) != TSJ_OK) {
        std::fprintf(stderr, "%s\n", tsj_error_message(err));
        tsj_error_free(err);
        return 1;
    }
    bool ok = tsj_tensor_numel(t) == 4 && static_cast<float *>(tsj_tensor_data(t))[3] == 4.0f;
    tsj_value_release(t);
    return ok ? 0 : 1;
}
