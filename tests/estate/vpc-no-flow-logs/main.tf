# Insecure: a VPC as the vpc module's "simple" example makes it (the module's shape, see
# ../modules/network): public and private subnets, no flow logs, the default network ACL letting
# everything in from anywhere, and public subnets that map public IPs on launch.

module "vpc" {
  source = "../modules/network"

  name            = "estate-simple"
  cidr            = "10.70.0.0/16"
  azs             = ["us-east-1a", "us-east-1b"]
  private_subnets = ["10.70.1.0/24", "10.70.2.0/24"]
  public_subnets  = ["10.70.101.0/24", "10.70.102.0/24"]

  map_public_ip_on_launch = true
}
