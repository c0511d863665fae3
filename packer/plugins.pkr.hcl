# Plugins pinned to an exact version: `packer init .` installs exactly this, so two builds of the
# same commit use the same builder code.
packer {
  required_version = ">= 1.10.0"
  required_plugins {
    qemu = {
      source  = "github.com/hashicorp/qemu"
      version = "= 1.1.0"
    }
  }
}
