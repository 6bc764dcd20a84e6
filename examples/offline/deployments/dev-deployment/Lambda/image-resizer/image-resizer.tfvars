# Thumbnail generator triggered by uploads (dev, Ireland).
account_key = "dev"
region_code = "euw1"

lambda_functions = {
  "image-resizer" = {
    runtime       = "nodejs20.x"
    handler       = "index.handler"
    memory_size   = 512
    timeout       = 60
    architectures = ["arm64"]
    environment = {
      THUMBNAIL_SIZES = "128,256,1024"
      LOG_LEVEL       = "debug"
    }
    tags = {
      Owner       = "media@acme.example"
      Team        = "media"
      Environment = "dev"
      CostCenter  = "CC-2210"
    }
  }
}
