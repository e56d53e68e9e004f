/* hostile: alloc hands the engine an address 1 GiB past the start of a
 * memory of a few pages. The official engine copies the input there with a
 * raw pointer: without libfluvio's guard the process dies of SIGSEGV. */
#define SM_OWN_ALLOC
#include "sm.h"

__attribute__((export_name("alloc")))
i32 alloc(i32 len) {
    (void)len;
    return 0x40000000;
}

__attribute__((export_name("filter")))
i32 filter(i32 ptr, i32 len, i32 version) {
    (void)ptr; (void)len; (void)version;
    /* Never reached; keeps the import the engine requires. */
    copy_records(0, 0);
    return 0;
}
