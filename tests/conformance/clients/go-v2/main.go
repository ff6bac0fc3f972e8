// Conformance client for the AWS SDK for Go v2 (Debian's golang-github-aws-aws-sdk-go-v2-dev,
// built in GOPATH mode): makes each failing call of cases.json and prints the error the ways a Go
// user sees it, one JSON line per printed text on stdout:
//
//	{"case": ID, "view": VIEW, "text": TEXT, "truth": {...the error's fields...}}
//
// Views: `print` (fmt.Println(err)), `log` (log.Println(err) with the standard logger's date and
// time, as log.Fatal(err) prints it) and `panic` (the call made again in a child process,
// `-panic ID`, that panics with the error: Go's report on stderr is the text). The operation is
// called by name through reflection, its input decoded from the case's JSON parameters.
// Environment: CONFORM_ENDPOINT, CONFORM_CREDS, CONFORM_CASES.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

const region = "us-east-1"

type testCase struct {
	ID      string                     `json:"id"`
	Service string                     `json:"service"`
	Op      string                     `json:"op"`
	Params  map[string]json.RawMessage `json:"params"`
	Creds   string                     `json:"creds"`
}

type key struct {
	Key    string `json:"key"`
	Secret string `json:"secret"`
}

// botocore's service name -> the SDK's client constructor
var services = map[string]func(aws.Config) interface{}{
	"s3": func(c aws.Config) interface{} {
		return s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = true })
	},
	"dynamodb":       func(c aws.Config) interface{} { return dynamodb.NewFromConfig(c) },
	"sqs":            func(c aws.Config) interface{} { return sqs.NewFromConfig(c) },
	"sns":            func(c aws.Config) interface{} { return sns.NewFromConfig(c) },
	"lambda":         func(c aws.Config) interface{} { return lambda.NewFromConfig(c) },
	"iam":            func(c aws.Config) interface{} { return iam.NewFromConfig(c) },
	"sts":            func(c aws.Config) interface{} { return sts.NewFromConfig(c) },
	"kms":            func(c aws.Config) interface{} { return kms.NewFromConfig(c) },
	"secretsmanager": func(c aws.Config) interface{} { return secretsmanager.NewFromConfig(c) },
	"ecs":            func(c aws.Config) interface{} { return ecs.NewFromConfig(c) },
	"ec2":            func(c aws.Config) interface{} { return ec2.NewFromConfig(c) },
	"elb": func(c aws.Config) interface{} {
		return elasticloadbalancing.NewFromConfig(c)
	},
	"rds":            func(c aws.Config) interface{} { return rds.NewFromConfig(c) },
	"redshift":       func(c aws.Config) interface{} { return redshift.NewFromConfig(c) },
	"cloudformation": func(c aws.Config) interface{} { return cloudformation.NewFromConfig(c) },
	"stepfunctions":  func(c aws.Config) interface{} { return sfn.NewFromConfig(c) },
	"logs":           func(c aws.Config) interface{} { return cloudwatchlogs.NewFromConfig(c) },
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance go-v2:", err)
		os.Exit(2)
	}
}

func load() ([]testCase, map[string]key) {
	var doc struct {
		Cases []testCase `json:"cases"`
	}
	raw, err := os.ReadFile(os.Getenv("CONFORM_CASES"))
	must(err)
	must(json.Unmarshal(raw, &doc))
	creds := map[string]key{}
	raw, err = os.ReadFile(os.Getenv("CONFORM_CREDS"))
	must(err)
	must(json.Unmarshal(raw, &creds))
	return doc.Cases, creds
}

// attributeValues turns {"pk": {"S": "a"}} into DynamoDB's attribute value union.
func attributeValues(raw json.RawMessage) map[string]ddbtypes.AttributeValue {
	var m map[string]map[string]string
	must(json.Unmarshal(raw, &m))
	out := map[string]ddbtypes.AttributeValue{}
	for name, v := range m {
		out[name] = &ddbtypes.AttributeValueMemberS{Value: v["S"]}
	}
	return out
}

// call makes the case's call and returns its error.
func call(c testCase, creds map[string]key) error {
	k := creds[c.Creds]
	if c.Creds == "" {
		k = creds["admin"]
	}
	endpoint := os.Getenv("CONFORM_ENDPOINT")
	cfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(k.Key, k.Secret, ""),
		EndpointResolverWithOptions: aws.EndpointResolverWithOptionsFunc(
			func(service, region string, options ...interface{}) (aws.Endpoint, error) {
				return aws.Endpoint{URL: endpoint, HostnameImmutable: true, SigningRegion: region}, nil
			}),
		RetryMaxAttempts: 1,
	}
	client := reflect.ValueOf(services[c.Service](cfg))
	method := client.MethodByName(c.Op)
	if !method.IsValid() {
		return fmt.Errorf("no method %s", c.Op)
	}
	input := reflect.New(method.Type().In(1).Elem())
	plain := map[string]json.RawMessage{}
	for name, v := range c.Params {
		field := input.Elem().FieldByNameFunc(func(f string) bool { return strings.EqualFold(f, name) })
		switch {
		case field.IsValid() && field.Type() == reflect.TypeOf(map[string]ddbtypes.AttributeValue{}):
			field.Set(reflect.ValueOf(attributeValues(v)))
		case field.IsValid() && field.Kind() == reflect.Slice && field.Type().Elem().Kind() == reflect.Uint8:
			var s string
			must(json.Unmarshal(v, &s))
			field.SetBytes([]byte(s))
		case field.IsValid() && field.Kind() == reflect.Interface: // a streaming body
			var s string
			must(json.Unmarshal(v, &s))
			field.Set(reflect.ValueOf(strings.NewReader(s)))
		default:
			plain[name] = v
		}
	}
	raw, _ := json.Marshal(plain)
	must(json.Unmarshal(raw, input.Interface()))
	out := method.Call([]reflect.Value{reflect.ValueOf(context.Background()), input})
	if err, _ := out[1].Interface().(error); err != nil {
		return err
	}
	return nil
}

func truthOf(c testCase, err error) map[string]interface{} {
	t := map[string]interface{}{"operation": c.Op, "service": c.Service, "message": nil,
		"error_code": nil, "status_code": nil, "request_id": nil, "class": fmt.Sprintf("%T", err)}
	var api smithy.APIError
	if errors.As(err, &api) {
		t["error_code"] = api.ErrorCode()
		t["message"] = api.ErrorMessage()
	}
	var resp *awshttp.ResponseError
	if errors.As(err, &resp) {
		t["status_code"] = resp.HTTPStatusCode()
		if resp.ServiceRequestID() != "" {
			t["request_id"] = resp.ServiceRequestID()
		}
	}
	var op *smithy.OperationError
	if errors.As(err, &op) {
		t["sdk_service"] = op.Service()
		t["sdk_operation"] = op.Operation()
	}
	return t
}

func emit(obj map[string]interface{}) {
	b, _ := json.Marshal(obj)
	fmt.Println(string(b))
}

func main() {
	cases, creds := load()
	if len(os.Args) == 3 && os.Args[1] == "-panic" {
		for _, c := range cases {
			if c.ID == os.Args[2] {
				err := call(c, creds)
				if err == nil {
					fmt.Fprintln(os.Stderr, "the call did not fail")
					os.Exit(3)
				}
				raw, _ := json.Marshal(truthOf(c, err))
				must(os.WriteFile(os.Getenv("CONFORM_TRUTH"), raw, 0o600))
				panic(err)
			}
		}
		os.Exit(2)
	}
	only := map[string]bool{}
	for _, id := range os.Args[1:] {
		only[id] = true
	}
	truthPath := filepath.Join(os.TempDir(), fmt.Sprintf("conform-go-v2-%d.json", os.Getpid()))
	for _, c := range cases {
		if len(only) > 0 && !only[c.ID] {
			continue
		}
		err := call(c, creds)
		if err == nil {
			emit(map[string]interface{}{"case": c.ID, "error": "the call did not fail"})
			continue
		}
		truth := truthOf(c, err)
		emit(map[string]interface{}{"case": c.ID, "view": "print", "text": fmt.Sprintln(err), "truth": truth})
		var buf bytes.Buffer
		log.New(&buf, "", log.LstdFlags).Println(err)
		emit(map[string]interface{}{"case": c.ID, "view": "log", "text": buf.String(), "truth": truth})

		child := exec.Command(os.Args[0], "-panic", c.ID)
		child.Env = append(os.Environ(), "CONFORM_TRUTH="+truthPath)
		var stderr bytes.Buffer
		child.Stderr = &stderr
		_ = child.Run()
		raw, rerr := os.ReadFile(truthPath)
		var childTruth map[string]interface{}
		if rerr != nil || json.Unmarshal(raw, &childTruth) != nil {
			emit(map[string]interface{}{"case": c.ID, "view": "panic", "error": "child wrote no truth: " + stderr.String()})
			continue
		}
		os.Remove(truthPath)
		emit(map[string]interface{}{"case": c.ID, "view": "panic", "text": stderr.String(), "truth": childTruth})
	}
}
