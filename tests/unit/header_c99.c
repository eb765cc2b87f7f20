/* header_c99.c — tsjit.h compiles as strict C99 and works from C. */
#include <tsjit.h>

int main(void)
{
    tsj_value *v = tsj_value_int(41);
    int64_t i = 0;
    int ok = v && tsj_value_get_int(v, &i) == TSJ_OK && i == 41;
    tsj_value_release(v);
    return ok ? 0 : 1;
}
