# Conformance client for the AWS SDK for Ruby v1 (Debian's ruby-aws-sdk, aws-sdk-v1 1.67: the
# last v1 release, end of support but still in old Rails apps). v1 has no KMS, Lambda, ECS,
# Secrets Manager, Step Functions or CloudWatch Logs, and its STS client refuses plain HTTP
# (moto's endpoint): the cases of those are skipped, and S3's ListObjectsV2 and HeadBucket,
# which v1 does not have, too. It makes each failing call of
# cases.json and prints the error the ways a Ruby user sees it, one JSON line per printed text:
#
#   {"case": ID, "view": VIEW, "text": TEXT, "truth": {...the exception's fields...}}
#
# Views: `uncaught` (the call made again in a child process, `--uncaught ID`, that lets the
# exception escape: Ruby's report on stderr is the text), `inspect` (`puts e.inspect`) and `log`
# (the line v1's own logger writes for the failed call: `[AWS S3 404 0.01 0 retries] ...`).
# Environment: CONFORM_ENDPOINT, CONFORM_CREDS, CONFORM_CASES.
require_relative "ruby_common"
require "uri"
require "aws-sdk-v1"

REGION = "us-east-1"
# botocore's service name -> v1's client class
SERVICES = {
  "s3" => AWS::S3::Client,
  "dynamodb" => AWS::DynamoDB::Client::V20120810,
  "sqs" => AWS::SQS::Client,
  "sns" => AWS::SNS::Client,
  "iam" => AWS::IAM::Client,
  "ec2" => AWS::EC2::Client,
  "cloudformation" => AWS::CloudFormation::Client,
  "rds" => AWS::RDS::Client,
  "elb" => AWS::ELB::Client,
  "redshift" => AWS::Redshift::Client,
}.freeze
# S3 calls whose v1 method or parameters differ from the API's.
S3_METHODS = { "ListObjectsV2" => "list_objects" }.freeze
S3_MISSING = %w[HeadBucket].freeze

def supported?(c)
  SERVICES.key?(c["service"]) && !(c["service"] == "s3" && S3_MISSING.include?(c["op"]))
end

def method_of(c)
  c["service"] == "s3" ? S3_METHODS.fetch(c["op"], snake(c["op"])) : snake(c["op"])
end

# v1's S3 client names the bucket `bucket_name` and the body `data`; its DynamoDB model (the
# 2012-08-10 API as of 2015) predates on-demand billing, and attribute names stay strings.
def params_of(c)
  params = ruby_params(c["params"])
  case c["service"]
  when "s3"
    params[:bucket_name] = params.delete(:bucket) if params.key?(:bucket)
    params[:data] = params.delete(:body) if params.key?(:body)
  when "dynamodb"
    %w[Key Item].each do |name|
      params[snake(name).to_sym] = c["params"][name].transform_values { |v| ruby_params(v) } if c["params"].key?(name)
    end
    if params.delete(:billing_mode)
      params[:provisioned_throughput] = { read_capacity_units: 1, write_capacity_units: 1 }
    end
  end
  params
end

def make_client(c, creds, logger = nil)
  key = creds[c.fetch("creds", "admin")]
  uri = URI(ENV.fetch("CONFORM_ENDPOINT"))
  opts = {
    region: REGION,
    endpoint: uri.host,
    port: uri.port,
    use_ssl: false,
    access_key_id: key["key"],
    secret_access_key: key["secret"],
    max_retries: 0,
    logger: logger,
  }
  if c["service"] == "s3"
    opts[:s3_force_path_style] = true
    # v1's default S3 signer (signature version 2) calls URI.escape, which Ruby 3 removed.
    opts[:s3_signature_version] = :v4
  end
  SERVICES.fetch(c["service"]).new(**opts)
end

def truth_of(c, e)
  http = e.http_response
  headers = http.headers
  body_id = http.body.to_s[%r{<RequestId>([^<]+)</RequestId>}, 1]
  header_id = %w[x-amz-request-id x-amzn-requestid].map { |h| Array(headers[h]).first }.compact.first
  {
    "error_code" => e.code,
    "status_code" => http.status,
    "request_id" => body_id || header_id,
    "operation" => method_of(c).split("_").map(&:capitalize).join,
    "message" => e.message,
    "service" => c["service"],
    "class" => e.class.name,
  }
end

def call(c, creds, logger = nil)
  make_client(c, creds, logger).public_send(method_of(c).to_sym, params_of(c))
end

run_client("ruby-v1", AWS::Errors::Base)
