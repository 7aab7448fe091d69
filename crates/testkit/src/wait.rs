//! Waiting for a condition with a deadline, never sleeping and hoping: a test
//! that waits for "the server is back" or "the job arrived" asks until it is
//! true, and fails with what it was waiting for when the deadline passes.

use std::time::{Duration, Instant};

/// How often a condition is asked again.
const POLL: Duration = Duration::from_millis(20);

/// Asks `f` until it returns `Some`, for at most `timeout`; then fails the
/// test saying it was waiting for `what`.
pub fn wait_until<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "gave up after {timeout:?} waiting for {what}");
        std::thread::sleep(POLL);
    }
}

/// Asks `f` until it holds, for at most `timeout`; whether it did.
pub async fn eventually(timeout: Duration, mut f: impl AsyncFnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_until_returns_the_first_answer() {
        let mut n = 0;
        let got = wait_until("three asks", Duration::from_secs(5), || {
            n += 1;
            (n == 3).then_some(n)
        });
        assert_eq!(got, 3);
    }

    #[test]
    #[should_panic(expected = "waiting for the impossible")]
    fn wait_until_names_what_it_gave_up_on() {
        wait_until::<()>("the impossible", Duration::from_millis(50), || None);
    }

    #[tokio::test]
    async fn eventually_gives_up_at_the_deadline() {
        let start = Instant::now();
        assert!(!eventually(Duration::from_millis(100), async || false).await);
        assert!(start.elapsed() >= Duration::from_millis(100));
        assert!(eventually(Duration::from_millis(100), async || true).await);
    }
}
