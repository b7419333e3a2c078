"""Generated gRPC stubs (python -m lab.rpc.codegen); do not edit."""
