module libfluvio.dev/fluvio

go 1.19
