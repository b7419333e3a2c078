"""Testing helpers shipped with ArbLab: hypothesis strategies of valid analytics inputs."""
