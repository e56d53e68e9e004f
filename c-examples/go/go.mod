module fluvio-go-example

go 1.19

require libfluvio.dev/fluvio v0.0.0

// The package from this repository; outside it, point this at your copy of
// bindings/go/fluvio (or drop it once the package is published).
replace libfluvio.dev/fluvio => ../../bindings/go/fluvio
