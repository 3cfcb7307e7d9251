print("fsx-webhook")
