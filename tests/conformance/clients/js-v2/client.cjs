// Conformance client for the AWS SDK for JavaScript v2 (npm `aws-sdk`): makes each failing call of
// cases.json and prints the error the ways a Node user sees it, one JSON line per printed text on
// stdout:
//
//   {"case": ID, "view": VIEW, "text": TEXT, "truth": {...the error object's fields...}}
//
// Views: `console-error` (console.error(err), captured from this process's stderr), `string`
// (String(err), as in `log("failed: " + err)`) and `uncaught` (the call made again in a child
// process, `--uncaught ID`, that rethrows the error out of an async main: Node's report of the
// unhandled rejection on stderr is the text). Environment: CONFORM_ENDPOINT, CONFORM_CREDS,
// CONFORM_CASES; NODE_PATH points at the node_modules installed from package-lock.json.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const REGION = "us-east-1";
// botocore's service name -> the SDK's service class
const SERVICES = {
  s3: "S3",
  dynamodb: "DynamoDB",
  sqs: "SQS",
  sns: "SNS",
  lambda: "Lambda",
  iam: "IAM",
  sts: "STS",
  kms: "KMS",
  secretsmanager: "SecretsManager",
  ecs: "ECS",
  ec2: "EC2",
  cloudformation: "CloudFormation",
  stepfunctions: "StepFunctions",
  logs: "CloudWatchLogs",
  rds: "RDS",
  elb: "ELB",
  redshift: "Redshift",
};

function load() {
  const cases = JSON.parse(fs.readFileSync(process.env.CONFORM_CASES, "utf8")).cases;
  const creds = JSON.parse(fs.readFileSync(process.env.CONFORM_CREDS, "utf8"));
  return { cases, creds };
}

function prepare(c, creds) {
  const AWS = require("aws-sdk");
  const key = creds[c.creds || "admin"];
  const client = new AWS[SERVICES[c.service]]({
    region: REGION,
    endpoint: process.env.CONFORM_ENDPOINT,
    accessKeyId: key.key,
    secretAccessKey: key.secret,
    s3ForcePathStyle: true,
    maxRetries: 0,
  });
  const params = { ...c.params };
  for (const blob of ["Plaintext", "CiphertextBlob"]) {
    if (typeof params[blob] === "string") params[blob] = Buffer.from(params[blob]);
  }
  const method = c.op.charAt(0).toLowerCase() + c.op.slice(1);
  return { send: () => client[method](params).promise() };
}

function truthOf(c, err) {
  return {
    error_code: err.code,
    status_code: err.statusCode === undefined ? null : err.statusCode,
    request_id: err.requestId || null,
    operation: c.op,
    message: err.message,
    service: c.service,
    class: err.constructor && err.constructor.name,
  };
}

async function uncaught(id) {
  const { cases, creds } = load();
  const c = cases.find((x) => x.id === id);
  const { send } = prepare(c, creds);
  try {
    await send();
  } catch (err) {
    fs.writeFileSync(process.env.CONFORM_TRUTH, JSON.stringify(truthOf(c, err)));
    throw err;
  }
  throw new Error("the call did not fail");
}

function captureStderr(fn) {
  const write = process.stderr.write;
  let text = "";
  process.stderr.write = (chunk) => {
    text += chunk;
    return true;
  };
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

async function main() {
  const { cases, creds } = load();
  const only = new Set(process.argv.slice(2));
  const truthPath = path.join(process.env.TMPDIR || "/tmp", `conform-js-v2-${process.pid}.json`);
  for (const c of cases) {
    if (only.size && !only.has(c.id)) continue;
    const { send } = prepare(c, creds);
    let err = null;
    try {
      await send();
    } catch (e) {
      err = e;
    }
    if (!err) {
      emit({ case: c.id, error: "the call did not fail" });
      continue;
    }
    const truth = truthOf(c, err);
    emit({ case: c.id, view: "console-error", text: captureStderr(() => console.error(err)), truth });
    emit({ case: c.id, view: "string", text: String(err) + "\n", truth });
    const p = spawnSync(process.execPath, [__filename, "--uncaught", c.id], {
      env: { ...process.env, CONFORM_TRUTH: truthPath },
      encoding: "utf8",
      timeout: 120000,
    });
    let childTruth = null;
    try {
      childTruth = JSON.parse(fs.readFileSync(truthPath, "utf8"));
      fs.unlinkSync(truthPath);
    } catch (e) {
      emit({ case: c.id, view: "uncaught", error: "child wrote no truth: " + (p.stderr || "").slice(-500) });
      continue;
    }
    emit({ case: c.id, view: "uncaught", text: p.stderr, truth: childTruth });
  }
}

if (process.argv[2] === "--uncaught") {
  uncaught(process.argv[3]);
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
