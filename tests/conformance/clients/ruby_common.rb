# What the Ruby conformance clients (ruby_v3_client.rb, ruby_v1_client.rb) share: reading the
# world, snake_case parameters, and the run over the cases with its three views (`inspect`,
# `log`, `uncaught`). A client defines `supported?(c)`, `call(c, creds, logger)` and
# `truth_of(c, e)`, then calls `run_client(NAME, ERROR_CLASS)`.
require "json"
require "logger"
require "open3"
require "stringio"

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

def emit(obj)
  $stdout.puts(JSON.generate(obj))
  $stdout.flush
end

# `--uncaught ID` runs one call and lets its exception escape (Ruby's report on stderr is the
# text the parent reads); otherwise every supported case, or those named in ARGV.
def run_client(name, error_class)
  cases, creds = load_world
  if ARGV[0] == "--uncaught"
    c = cases.find { |x| x["id"] == ARGV[1] }
    begin
      call(c, creds)
    rescue error_class => e
      File.write(ENV.fetch("CONFORM_TRUTH"), JSON.generate(truth_of(c, e)))
      raise
    end
    abort "the call did not fail"
  end

  only = ARGV
  truth_path = File.join(ENV.fetch("TMPDIR", "/tmp"), "conform-#{name}-#{Process.pid}.json")
  cases.each do |c|
    next unless supported?(c)
    next if !only.empty? && !only.include?(c["id"])

    log = StringIO.new
    begin
      call(c, creds, Logger.new(log))
      emit({ "case" => c["id"], "error" => "the call did not fail" })
      next
    rescue error_class => e
      truth = truth_of(c, e)
      emit({ "case" => c["id"], "view" => "inspect", "text" => "#{e.inspect}\n", "truth" => truth })
      emit({ "case" => c["id"], "view" => "log", "text" => log.string, "truth" => truth })
    rescue StandardError => e
      emit({ "case" => c["id"], "error" => "not a service error: #{e.class}: #{e.message}" })
      next
    end
    _out, err, _status = Open3.capture3({ "CONFORM_TRUTH" => truth_path }, RbConfig.ruby, $PROGRAM_NAME,
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
end
