/* hostile: hands copy_records an output of 2 GiB at the start of a memory
 * of a few pages. */
#include "sm.h"

__attribute__((export_name("filter")))
i32 filter(i32 ptr, i32 len, i32 version) {
    (void)ptr; (void)len; (void)version;
    copy_records(0, 0x7fffffff);
    return 0;
}
