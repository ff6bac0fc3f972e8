// Conformance client for the AWS SDK for JavaScript v3: makes each failing call of cases.json and
// prints the error the ways a Node user sees it, one JSON line per printed text on stdout:
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
// botocore's service name -> [npm package, client class]
const SERVICES = {
  s3: ["@aws-sdk/client-s3", "S3Client"],
  dynamodb: ["@aws-sdk/client-dynamodb", "DynamoDBClient"],
  sqs: ["@aws-sdk/client-sqs", "SQSClient"],
  sns: ["@aws-sdk/client-sns", "SNSClient"],
  lambda: ["@aws-sdk/client-lambda", "LambdaClient"],
  iam: ["@aws-sdk/client-iam", "IAMClient"],
  sts: ["@aws-sdk/client-sts", "STSClient"],
  kms: ["@aws-sdk/client-kms", "KMSClient"],
  secretsmanager: ["@aws-sdk/client-secrets-manager", "SecretsManagerClient"],
  ecs: ["@aws-sdk/client-ecs", "ECSClient"],
  ec2: ["@aws-sdk/client-ec2", "EC2Client"],
  cloudformation: ["@aws-sdk/client-cloudformation", "CloudFormationClient"],
  stepfunctions: ["@aws-sdk/client-sfn", "SFNClient"],
  logs: ["@aws-sdk/client-cloudwatch-logs", "CloudWatchLogsClient"],
  rds: ["@aws-sdk/client-rds", "RDSClient"],
  elb: ["@aws-sdk/client-elastic-load-balancing", "ElasticLoadBalancingClient"],
  redshift: ["@aws-sdk/client-redshift", "RedshiftClient"],
};

function load() {
  const cases = JSON.parse(fs.readFileSync(process.env.CONFORM_CASES, "utf8")).cases;
  const creds = JSON.parse(fs.readFileSync(process.env.CONFORM_CREDS, "utf8"));
  return { cases, creds };
}

function prepare(c, creds) {
  const [pkg, clientName] = SERVICES[c.service];
  const mod = require(pkg);
  const key = creds[c.creds || "admin"];
  const client = new mod[clientName]({
    region: REGION,
    endpoint: process.env.CONFORM_ENDPOINT,
    credentials: { accessKeyId: key.key, secretAccessKey: key.secret },
    forcePathStyle: true,
    maxAttempts: 1,
  });
  const params = { ...c.params };
  for (const blob of ["Plaintext", "CiphertextBlob"]) {
    if (typeof params[blob] === "string") params[blob] = Buffer.from(params[blob]);
  }
  const command = new mod[c.op + "Command"](params);
  return { client, command };
}

function truthOf(c, err) {
  const meta = err.$metadata || {};
  return {
    error_code: err.name,
    // The code on the wire where the SDK names the error after its modeled shape instead
    // (NotFoundException for SNS's NotFound, QueueDoesNotExist for SQS's
    // AWS.SimpleQueueService.NonExistentQueue): either is the error object's code.
    alt_codes: [err.Code, err.code].filter((x) => typeof x === "string" && x !== err.name),
    status_code: meta.httpStatusCode === undefined ? null : meta.httpStatusCode,
    request_id: meta.requestId || null,
    operation: c.op,
    message: err.message,
    service: c.service,
    class: err.constructor && err.constructor.name,
  };
}

async function uncaught(id) {
  const { cases, creds } = load();
  const c = cases.find((x) => x.id === id);
  const { client, command } = prepare(c, creds);
  try {
    await client.send(command);
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
  const truthPath = path.join(process.env.TMPDIR || "/tmp", `conform-js-v3-${process.pid}.json`);
  for (const c of cases) {
    if (only.size && !only.has(c.id)) continue;
    const { client, command } = prepare(c, creds);
    let err = null;
    try {
      await client.send(command);
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
