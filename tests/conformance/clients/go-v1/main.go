// Conformance client for the AWS SDK for Go v1 (Debian's golang-github-aws-aws-sdk-go-dev, built
// in GOPATH mode): makes each failing call of cases.json and prints the error the ways a Go user
// sees it, one JSON line per printed text on stdout:
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
	"encoding/json"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/cloudformation"
	"github.com/aws/aws-sdk-go/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go/service/dynamodb"
	"github.com/aws/aws-sdk-go/service/ec2"
	"github.com/aws/aws-sdk-go/service/ecs"
	"github.com/aws/aws-sdk-go/service/elb"
	"github.com/aws/aws-sdk-go/service/iam"
	"github.com/aws/aws-sdk-go/service/kms"
	"github.com/aws/aws-sdk-go/service/lambda"
	"github.com/aws/aws-sdk-go/service/rds"
	"github.com/aws/aws-sdk-go/service/redshift"
	"github.com/aws/aws-sdk-go/service/s3"
	"github.com/aws/aws-sdk-go/service/secretsmanager"
	"github.com/aws/aws-sdk-go/service/sfn"
	"github.com/aws/aws-sdk-go/service/sns"
	"github.com/aws/aws-sdk-go/service/sqs"
	"github.com/aws/aws-sdk-go/service/sts"
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
var services = map[string]func(*session.Session) interface{}{
	"s3":             func(s *session.Session) interface{} { return s3.New(s) },
	"dynamodb":       func(s *session.Session) interface{} { return dynamodb.New(s) },
	"sqs":            func(s *session.Session) interface{} { return sqs.New(s) },
	"sns":            func(s *session.Session) interface{} { return sns.New(s) },
	"lambda":         func(s *session.Session) interface{} { return lambda.New(s) },
	"iam":            func(s *session.Session) interface{} { return iam.New(s) },
	"sts":            func(s *session.Session) interface{} { return sts.New(s) },
	"kms":            func(s *session.Session) interface{} { return kms.New(s) },
	"secretsmanager": func(s *session.Session) interface{} { return secretsmanager.New(s) },
	"ecs":            func(s *session.Session) interface{} { return ecs.New(s) },
	"ec2":            func(s *session.Session) interface{} { return ec2.New(s) },
	"elb":            func(s *session.Session) interface{} { return elb.New(s) },
	"rds":            func(s *session.Session) interface{} { return rds.New(s) },
	"redshift":       func(s *session.Session) interface{} { return redshift.New(s) },
	"cloudformation": func(s *session.Session) interface{} { return cloudformation.New(s) },
	"stepfunctions":  func(s *session.Session) interface{} { return sfn.New(s) },
	"logs":           func(s *session.Session) interface{} { return cloudwatchlogs.New(s) },
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

// call makes the case's call and returns its error.
func call(c testCase, creds map[string]key) error {
	k := creds[c.Creds]
	if c.Creds == "" {
		k = creds["admin"]
	}
	sess, err := session.NewSession(&aws.Config{
		Region:           aws.String(region),
		Endpoint:         aws.String(os.Getenv("CONFORM_ENDPOINT")),
		Credentials:      credentials.NewStaticCredentials(k.Key, k.Secret, ""),
		S3ForcePathStyle: aws.Bool(true),
		MaxRetries:       aws.Int(0),
	})
	must(err)
	client := reflect.ValueOf(services[c.Service](sess))
	method := client.MethodByName(c.Op)
	if !method.IsValid() {
		return fmt.Errorf("no method %s", c.Op)
	}
	input := reflect.New(method.Type().In(0).Elem())
	plain := map[string]json.RawMessage{}
	for name, v := range c.Params {
		field := input.Elem().FieldByNameFunc(func(f string) bool { return strings.EqualFold(f, name) })
		switch {
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
	out := method.Call([]reflect.Value{input})
	if err, _ := out[1].Interface().(error); err != nil {
		return err
	}
	return nil
}

func truthOf(c testCase, err error) map[string]interface{} {
	t := map[string]interface{}{"operation": c.Op, "service": c.Service, "message": nil,
		"error_code": nil, "status_code": nil, "request_id": nil, "class": fmt.Sprintf("%T", err)}
	if aerr, ok := err.(awserr.Error); ok {
		t["error_code"] = aerr.Code()
		t["message"] = aerr.Message()
	}
	if rerr, ok := err.(awserr.RequestFailure); ok {
		t["status_code"] = rerr.StatusCode()
		if rerr.RequestID() != "" {
			t["request_id"] = rerr.RequestID()
		}
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
	truthPath := filepath.Join(os.TempDir(), fmt.Sprintf("conform-go-v1-%d.json", os.Getpid()))
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
