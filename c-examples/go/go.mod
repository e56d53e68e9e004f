module fluvio-go-example

go 1.19
