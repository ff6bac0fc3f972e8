//! Retrying CloudWatch Logs calls that were throttled, with capped exponential backoff and
//! jitter. Throttling is never fatal: CloudWatch allows only a few FilterLogEvents calls per
//! second per account and region, which other tools in the same account share.

use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

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

#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(250),
            cap: Duration::from_secs(20),
        }
    }
}

impl Backoff {
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
}

fn random_u64() -> u64 {
    RandomState::new().build_hasher().finish()
}

/// Run `call` until it succeeds or fails with something other than throttling.
pub async fn retry_throttled<T, E, F, Fut>(
    what: &str,
    backoff: Backoff,
    mut call: F,
) -> Result<T, E>
where
    E: ProvideErrorMetadata,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt: u32 = 0;
    loop {
        match call().await {
            Err(e) if is_throttle(e.code()) => {
                let wait = backoff.delay(attempt, random_u64());
                if attempt == 0 || attempt % 5 == 4 {
                    eprintln!(
                        "awsplain: CloudWatch Logs throttled {what} ({}); retrying in {:.1}s",
                        e.code().unwrap_or("throttled"),
                        wait.as_secs_f64()
                    );
                }
                tokio::time::sleep(wait).await;
                attempt = attempt.saturating_add(1);
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatchlogs::error::ErrorMetadata;
    use std::cell::Cell;

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
    }

    #[tokio::test]
    async fn throttling_is_retried_until_success_and_other_errors_are_not() {
        let calls = Cell::new(0);
        let b = Backoff {
            base: Duration::from_millis(1),
            cap: Duration::from_millis(4),
        };
        let res: Result<u32, ErrorMetadata> = retry_throttled("Test", b, || {
            calls.set(calls.get() + 1);
            let n = calls.get();
            async move {
                if n <= 7 {
                    Err(ErrorMetadata::builder()
                        .code("ThrottlingException")
                        .message("Rate exceeded")
                        .build())
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(res.ok(), Some(8));

        calls.set(0);
        let res: Result<u32, ErrorMetadata> = retry_throttled("Test", b, || {
            calls.set(calls.get() + 1);
            async {
                Err(ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .build())
            }
        })
        .await;
        assert_eq!(res.unwrap_err().code(), Some("AccessDeniedException"));
        assert_eq!(calls.get(), 1);
    }
}
