# Conformance client for the AWS SDK for Ruby v3 (Debian's ruby-aws-sdk-* packages, which hold
# S3, KMS, CloudFormation and, in aws-sdk-core, STS: the cases of other services are skipped).
# It makes each failing call of cases.json and prints the error the ways a Ruby user sees it, one
# JSON line per printed text on stdout:
#
#   {"case": ID, "view": VIEW, "text": TEXT, "truth": {...the exception's fields...}}
#
# Views: `uncaught` (the call made again in a child process, `--uncaught ID`, that lets the
# exception escape: Ruby's report on stderr is the text), `inspect` (`puts e.inspect`) and `log`
# (the line the SDK's own logger writes for the failed call, with a standard Ruby Logger).
# Environment: CONFORM_ENDPOINT, CONFORM_CREDS, CONFORM_CASES.
require_relative "ruby_common"
require "aws-sdk-core"
require "aws-sdk-s3"
require "aws-sdk-kms"
require "aws-sdk-cloudformation"

REGION = "us-east-1"
# botocore's service name -> the SDK's client class
SERVICES = {
  "s3" => Aws::S3::Client,
  "kms" => Aws::KMS::Client,
  "cloudformation" => Aws::CloudFormation::Client,
  "sts" => Aws::STS::Client,
}.freeze

def make_client(c, creds, logger = nil)
  key = creds[c.fetch("creds", "admin")]
  opts = {
    region: REGION,
    endpoint: ENV.fetch("CONFORM_ENDPOINT"),
    credentials: Aws::Credentials.new(key["key"], key["secret"]),
    retry_limit: 0,
  }
  opts[:force_path_style] = true if c["service"] == "s3"
  opts[:logger] = logger if logger
  SERVICES.fetch(c["service"]).new(**opts)
end

def truth_of(c, e)
  http = e.context.http_response
  headers = http.headers
  {
    "error_code" => e.code,
    "status_code" => http.status_code,
    "request_id" => e.context[:request_id] || headers["x-amz-request-id"] || headers["x-amzn-requestid"],
    "operation" => c["op"],
    "sdk_operation" => e.context.operation_name.to_s,
    "message" => e.message,
    "service" => c["service"],
    "class" => e.class.name,
  }
end

def call(c, creds, logger = nil)
  client = make_client(c, creds, logger)
  client.public_send(snake(c["op"]).to_sym, ruby_params(c["params"]))
end

def supported?(c)
  SERVICES.key?(c["service"])
end

run_client("ruby-v3", Aws::Errors::ServiceError)
