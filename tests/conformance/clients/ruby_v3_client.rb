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
require "json"
require "logger"
require "open3"
require "stringio"
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

def load_world
  cases = JSON.parse(File.read(ENV.fetch("CONFORM_CASES")))["cases"]
  creds = JSON.parse(File.read(ENV.fetch("CONFORM_CREDS")))
  [cases, creds]
end

def snake(name)
  name.gsub(/([A-Z]+)([A-Z][a-z])/, '\1_\2').gsub(/([a-z\d])([A-Z])/, '\1_\2').downcase
end

def ruby_params(value)
  case value
  when Hash then value.to_h { |k, v| [snake(k).to_sym, ruby_params(v)] }
  when Array then value.map { |v| ruby_params(v) }
  else value
  end
end

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

def emit(obj)
  $stdout.puts(JSON.generate(obj))
  $stdout.flush
end

if ARGV[0] == "--uncaught"
  cases, creds = load_world
  c = cases.find { |x| x["id"] == ARGV[1] }
  begin
    call(c, creds)
  rescue Aws::Errors::ServiceError => e
    File.write(ENV.fetch("CONFORM_TRUTH"), JSON.generate(truth_of(c, e)))
    raise
  end
  abort "the call did not fail"
end

cases, creds = load_world
only = ARGV
truth_path = File.join(ENV.fetch("TMPDIR", "/tmp"), "conform-ruby-v3-#{Process.pid}.json")
cases.each do |c|
  next unless SERVICES.key?(c["service"])
  next if !only.empty? && !only.include?(c["id"])
  log = StringIO.new
  begin
    call(c, creds, Logger.new(log))
    emit({ "case" => c["id"], "error" => "the call did not fail" })
    next
  rescue Aws::Errors::ServiceError => e
    truth = truth_of(c, e)
    emit({ "case" => c["id"], "view" => "inspect", "text" => "#{e.inspect}\n", "truth" => truth })
    emit({ "case" => c["id"], "view" => "log", "text" => log.string, "truth" => truth })
  end
  _out, err, _status = Open3.capture3({ "CONFORM_TRUTH" => truth_path }, RbConfig.ruby, __FILE__,
                                      "--uncaught", c["id"])
  begin
    child_truth = JSON.parse(File.read(truth_path))
    File.delete(truth_path)
  rescue StandardError
    emit({ "case" => c["id"], "view" => "uncaught", "error" => "child wrote no truth: #{err[-500..] || err}" })
    next
  end
  emit({ "case" => c["id"], "view" => "uncaught", "text" => err, "truth" => child_truth })
end
