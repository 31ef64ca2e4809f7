//! Exponential backoff for retries after broker or store failures.

use std::time::Duration;

/// Doubling delays from `initial` up to `max`, with up to 25% deterministic jitter taken
/// from the attempt number (so that instances restarted together spread out, yet tests are
/// exact about the bounds).
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    attempt: u32,
    seed: u64,
}

/// The jitter seed: the process id, asked of the kernel once (a backoff is made for every
/// message produced, and most are never used).
fn process_seed() -> u64 {
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *SEED.get_or_init(|| std::process::id() as u64)
}

impl Backoff {
    pub fn new(initial: Duration, max: Duration) -> Self {
        Backoff {
            initial,
            max: max.max(initial),
            attempt: 0,
            seed: process_seed(),
        }
    }

    /// Without jitter (tests, and where spreading does not matter).
    pub fn exact(initial: Duration, max: Duration) -> Self {
        Backoff {
            seed: 0,
            ..Backoff::new(initial, max)
        }
    }

    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// The delay before the next attempt.
    pub fn next_delay(&mut self) -> Duration {
        let exp = self.attempt.min(20);
        self.attempt = self.attempt.saturating_add(1);
        let base = self.initial.saturating_mul(1 << exp).min(self.max);
        if self.seed == 0 {
            return base;
        }
        let mix = (self.seed ^ self.attempt as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
        let jitter = base.mul_f64((mix % 1000) as f64 / 4000.0);
        base.saturating_sub(jitter)
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Sleeps the next delay.
    pub async fn wait(&mut self) {
        tokio::time::sleep(self.next_delay()).await;
    }
}

/// Runs `op` until it succeeds or fails with an error `retryable` rejects; waits between
/// attempts, calling `on_retry` with the error and the coming delay.
pub async fn retry<T, E, F, Fut>(
    backoff: &mut Backoff,
    mut op: F,
    retryable: impl Fn(&E) -> bool,
    mut on_retry: impl FnMut(&E, Duration),
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    loop {
        match op().await {
            Ok(v) => return Ok(v),
            Err(e) if retryable(&e) => {
                let delay = backoff.next_delay();
                on_retry(&e, delay);
                tokio::time::sleep(delay).await;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        let mut b = Backoff::exact(Duration::from_millis(100), Duration::from_millis(1000));
        let delays: Vec<u64> = (0..6).map(|_| b.next_delay().as_millis() as u64).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
        b.reset();
        assert_eq!(b.next_delay(), Duration::from_millis(100));
    }

    #[test]
    fn jitter_stays_within_a_quarter_below_the_base() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(10));
        for exp in 0..10u32 {
            let base = Duration::from_millis(100 * (1 << exp)).min(Duration::from_secs(10));
            let d = b.next_delay();
            assert!(d <= base && d >= base.mul_f64(0.75), "{d:?} vs {base:?}");
        }
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        let mut b = Backoff::exact(Duration::from_secs(1), Duration::from_secs(60));
        for _ in 0..100 {
            assert!(b.next_delay() <= Duration::from_secs(60));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn retry_waits_the_backoff_between_attempts_and_stops_on_success() {
        let start = tokio::time::Instant::now();
        let mut calls = 0;
        let mut b = Backoff::exact(Duration::from_millis(100), Duration::from_secs(1));
        let result: Result<u32, &str> = retry(
            &mut b,
            || {
                calls += 1;
                let n = calls;
                async move {
                    if n < 4 {
                        Err("broker down")
                    } else {
                        Ok(n)
                    }
                }
            },
            |_| true,
            |_, _| {},
        )
        .await;
        assert_eq!(result, Ok(4));
        // 100 + 200 + 400 ms of (virtual) waiting.
        assert_eq!(start.elapsed(), Duration::from_millis(700));
    }

    #[tokio::test(start_paused = true)]
    async fn retry_gives_up_at_once_on_a_permanent_error() {
        let start = tokio::time::Instant::now();
        let mut b = Backoff::exact(Duration::from_millis(100), Duration::from_secs(1));
        let result: Result<(), &str> = retry(
            &mut b,
            || async { Err("corrupt") },
            |e| *e != "corrupt",
            |_, _| {},
        )
        .await;
        assert_eq!(result, Err("corrupt"));
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
