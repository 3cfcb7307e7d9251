module fsx-webhook/gopeer

go 1.19
