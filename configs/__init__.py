"""The settings files: default.toml (every setting, commented) and hardware.toml (GPU and Mac names)."""
