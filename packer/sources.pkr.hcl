# The build machine: Debian's cloud image booted under QEMU, reached over SSH with a throw-away
# key pair that Packer generates and that sysprep removes with the build user.
source "qemu" "debian12" {
  iso_url          = var.debian_image_url
  iso_checksum     = var.debian_image_checksum
  disk_image       = true
  format           = "qcow2"
  disk_size        = var.disk_size
  disk_compression = true
  accelerator      = var.accelerator
  headless         = true
  memory           = 2048
  cpus             = 2
  net_device       = "virtio-net"
  disk_interface   = "virtio"
  output_directory = var.output_directory
  vm_name          = "iamanager-appliance-${var.app_version}.qcow2"

  # cloud-init (NoCloud seed on a CD labelled cidata) creates the temporary build user.
  cd_files = ["${path.root}/cloud-init/meta-data", "${path.root}/cloud-init/user-data"]
  cd_label = "cidata"

  communicator     = "ssh"
  ssh_username     = "packer"
  ssh_password     = "packer-build-only"
  ssh_timeout      = "20m"
  shutdown_command = "sudo systemctl poweroff"
}
