//! Retrying CloudWatch Logs calls: through throttling always, and in follow mode through
//! outages (connection failures, timeouts, 5xx answers) too, with capped exponential backoff
//! and jitter, one notice when an outage starts and one when it is over.
//!
//! Throttling is never fatal: CloudWatch allows only a few FilterLogEvents calls per second
//! per account and region, which other tools in the same account share. An outage is waited
//! out only once CloudWatch has answered this run at least once: an endpoint that was never
//! reached is a setup problem (a wrong `--endpoint-url`, no network) and is reported at once.
//!
//! The SDK's own retries (standard mode, three attempts) stay on underneath: they absorb a
//! single dropped connection or throttled call silently, in every mode, and only what
//! outlasts them reaches this loop and its notices.

use aws_sdk_cloudwatchlogs::error::{ProvideErrorMetadata, SdkError};
use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// Error codes CloudWatch Logs uses when it sheds load. The SDK does not model
/// `ThrottlingException` for this service, so the code is matched as text.
pub fn is_throttle(code: Option<&str>) -> bool {
    matches!(
        code,
        Some(
            "ThrottlingException"
                | "Throttling"
                | "TooManyRequestsException"
                | "RequestLimitExceeded"
        )
    )
}

/// Service error codes that say "not now" rather than "not so".
fn is_transient_code(code: Option<&str>) -> bool {
    matches!(
        code,
        Some(
            "ServiceUnavailableException"
                | "ServiceUnavailable"
                | "InternalFailure"
                | "InternalServerError"
                | "RequestTimeout"
                | "RequestTimeoutException"
        )
    )
}

/// What a failed call means for retrying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// CloudWatch shed the call: wait and call again.
    Throttled,
    /// CloudWatch could not be reached or failed on its side (connection refused or reset,
    /// timeout, an answer cut short, HTTP 5xx): an outage, if it lasts.
    Unavailable,
    /// Anything else: retrying cannot help.
    Final,
}

/// How a failed call is classified, and the short reason an outage notice gives.
pub trait Classify {
    fn fault(&self) -> Fault;
    fn reason(&self) -> String;
}

impl<E: ProvideErrorMetadata + std::error::Error + 'static> Classify for SdkError<E> {
    fn fault(&self) -> Fault {
        match self {
            SdkError::TimeoutError(_) | SdkError::ResponseError(_) => Fault::Unavailable,
            // A user error is a bad request or endpoint, not an outage.
            SdkError::DispatchFailure(d) if !d.is_user() => Fault::Unavailable,
            SdkError::ServiceError(_) => {
                let status = self.raw_response().map(|r| r.status().as_u16());
                if is_throttle(self.code()) {
                    Fault::Throttled
                } else if is_transient_code(self.code()) || status.is_some_and(|s| s >= 500) {
                    Fault::Unavailable
                } else {
                    Fault::Final
                }
            }
            _ => Fault::Final,
        }
    }

    fn reason(&self) -> String {
        if let SdkError::ServiceError(_) = self {
            let status = self.raw_response().map(|r| r.status().as_u16());
            return [
                status.map(|s| format!("HTTP {s}")),
                self.code().map(str::to_string),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        }
        // The innermost cause is the plain one ("Connection refused (os error 111)").
        let mut inner: &dyn std::error::Error = self;
        while let Some(s) = inner.source() {
            inner = s;
        }
        inner.to_string()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::from_base(Duration::from_millis(250))
    }
}

impl Backoff {
    /// The cap is 80 steps of the base: 20 s for the default 250 ms.
    pub fn from_base(base: Duration) -> Self {
        Backoff {
            base,
            cap: base.saturating_mul(80),
        }
    }

    /// Delay before retry number `attempt` (0-based): half of the exponential step is fixed
    /// and half is random, so clients throttled together spread out but none retries at once.
    pub fn delay(&self, attempt: u32, random: u64) -> Duration {
        let step = self
            .base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.cap);
        let half = step / 2;
        let jitter_ms = half.as_millis() as u64;
        let extra = if jitter_ms == 0 {
            0
        } else {
            random % (jitter_ms + 1)
        };
        half + Duration::from_millis(extra)
    }

    /// `delay` with fresh randomness.
    pub fn jittered(&self, attempt: u32) -> Duration {
        self.delay(attempt, random_u64())
    }
}

fn random_u64() -> u64 {
    RandomState::new().build_hasher().finish()
}

/// The retry policy of one run.
#[derive(Debug)]
pub struct Retry {
    pub backoff: Backoff,
    /// Wait out outages (follow mode) instead of returning them.
    wait_out_outages: bool,
    /// Whether any call of this run has succeeded.
    answered: Cell<bool>,
}

impl Retry {
    pub fn new(backoff: Backoff, wait_out_outages: bool) -> Self {
        Retry {
            backoff,
            wait_out_outages,
            answered: Cell::new(false),
        }
    }

    /// Run `call` until it succeeds or fails in a way retrying cannot help (or, outside
    /// follow mode or before CloudWatch ever answered, CloudWatch is unavailable).
    pub async fn call<T, E, F, Fut>(&self, what: &str, mut call: F) -> Result<T, E>
    where
        E: Classify + ProvideErrorMetadata,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let mut attempt: u32 = 0;
        let mut throttled: u32 = 0;
        let mut outage: Option<Instant> = None;
        loop {
            let result = call().await;
            let fault = result.as_ref().err().map(Classify::fault);
            if let Some(since) = outage.filter(|_| fault != Some(Fault::Unavailable)) {
                eprintln!(
                    "awsplain: CloudWatch Logs answers again after {:.1}s; carrying on from where it stopped",
                    since.elapsed().as_secs_f64()
                );
                outage = None;
            }
            let e = match result {
                Ok(v) => {
                    self.answered.set(true);
                    return Ok(v);
                }
                Err(e) => e,
            };
            let wait = self.backoff.jittered(attempt);
            match e.fault() {
                Fault::Throttled => {
                    if throttled % 5 == 0 {
                        eprintln!(
                            "awsplain: CloudWatch Logs throttled {what} ({}); retrying in {:.1}s",
                            e.code().unwrap_or("throttled"),
                            wait.as_secs_f64()
                        );
                    }
                    throttled += 1;
                }
                Fault::Unavailable if self.wait_out_outages && self.answered.get() => {
                    if outage.is_none() {
                        eprintln!(
                            "awsplain: CloudWatch Logs is unreachable ({what}: {}); retrying with backoff until it answers, without losing events",
                            awsplain::sanitize::for_terminal(&e.reason())
                        );
                        outage = Some(Instant::now());
                    }
                }
                _ => return Err(e),
            }
            tokio::time::sleep(wait).await;
            attempt = attempt.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatchlogs::error::ErrorMetadata;

    /// Test errors classify by code alone; "Unavailable" stands for an outage.
    impl Classify for ErrorMetadata {
        fn fault(&self) -> Fault {
            match self.code() {
                c if is_throttle(c) => Fault::Throttled,
                Some("Unavailable") => Fault::Unavailable,
                _ => Fault::Final,
            }
        }
        fn reason(&self) -> String {
            self.code().unwrap_or_default().to_string()
        }
    }

    fn err(code: &str) -> ErrorMetadata {
        ErrorMetadata::builder().code(code).message("m").build()
    }

    fn quick() -> Backoff {
        Backoff {
            base: Duration::from_millis(1),
            cap: Duration::from_millis(4),
        }
    }

    #[test]
    fn throttle_codes() {
        assert!(is_throttle(Some("ThrottlingException")));
        assert!(is_throttle(Some("Throttling")));
        assert!(!is_throttle(Some("AccessDeniedException")));
        assert!(!is_throttle(None));
    }

    #[test]
    fn delay_grows_is_capped_and_jittered() {
        let b = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(2),
        };
        assert_eq!(b.delay(0, 0), Duration::from_millis(50));
        assert_eq!(b.delay(0, 50), Duration::from_millis(100));
        assert_eq!(b.delay(3, 0), Duration::from_millis(400));
        for attempt in 0..40 {
            for r in [0, 1, 7, u64::MAX / 3, u64::MAX] {
                let d = b.delay(attempt, r);
                assert!(d <= b.cap, "{attempt} {r} {d:?}");
                assert!(d >= Duration::from_millis(50));
            }
        }
        assert_eq!(b.delay(30, 0), Duration::from_secs(1));
        // Different random draws give different delays.
        assert_ne!(b.delay(4, 1), b.delay(4, 700));
        assert_eq!(Backoff::default().cap, Duration::from_secs(20));
    }

    /// Calls answered from `script` in turn, then `Ok(calls)`.
    async fn run(retry: &Retry, script: &[&str]) -> (Result<usize, ErrorMetadata>, usize) {
        let calls = Cell::new(0usize);
        let res = retry
            .call("Test", || {
                let n = calls.get();
                calls.set(n + 1);
                let out = match script.get(n) {
                    Some(code) => Err(err(code)),
                    None => Ok(n + 1),
                };
                async move { out }
            })
            .await;
        (res, calls.get())
    }

    #[tokio::test]
    async fn throttling_is_retried_until_success_and_other_errors_are_not() {
        let retry = Retry::new(quick(), false);
        let (res, _) = run(&retry, &["ThrottlingException"; 7]).await;
        assert_eq!(res.ok(), Some(8));
        let (res, calls) = run(&retry, &["AccessDeniedException"]).await;
        assert_eq!(res.unwrap_err().code(), Some("AccessDeniedException"));
        assert_eq!(calls, 1);
    }

    #[tokio::test]
    async fn outages_are_waited_out_only_in_follow_mode_after_a_first_answer() {
        // Never answered yet: an unreachable endpoint is returned at once.
        let follow = Retry::new(quick(), true);
        let (res, calls) = run(&follow, &["Unavailable"]).await;
        assert_eq!(res.unwrap_err().code(), Some("Unavailable"));
        assert_eq!(calls, 1);
        // Once it answered, an outage (and throttling inside it) is waited out.
        assert!(run(&follow, &[]).await.0.is_ok());
        let script = [
            "Unavailable",
            "Unavailable",
            "ThrottlingException",
            "Unavailable",
        ];
        let (res, calls) = run(&follow, &script).await;
        assert_eq!(res.ok(), Some(5));
        assert_eq!(calls, 5);
        // A final error after an outage still ends the call.
        let (res, _) = run(&follow, &["Unavailable", "ExpiredTokenException"]).await;
        assert_eq!(res.unwrap_err().code(), Some("ExpiredTokenException"));

        // Outside follow mode an outage is returned even after answers.
        let once = Retry::new(quick(), false);
        assert!(run(&once, &[]).await.0.is_ok());
        let (res, calls) = run(&once, &["Unavailable"]).await;
        assert!(res.is_err());
        assert_eq!(calls, 1);
    }
}
