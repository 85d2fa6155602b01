//! Faults on request, seeded: `429=0.2,5xx=0.1,slow=0.05,malformed=0.01`.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

/// Probabilities per request, each in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Faults {
    /// Answer 429 with `Retry-After`.
    pub rate_limit: f64,
    /// Answer 503.
    pub server_error: f64,
    /// Answer after a delay.
    pub slow: f64,
    /// Cut the JSON body in half.
    pub malformed: f64,
    /// Take an order, then hold its answer past the client's patience (drawn on orders only).
    pub order_timeout: f64,
}

impl FromStr for Faults {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut f = Faults::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| format!("fault {part:?}: expected KIND=PROBABILITY"))?;
            let p: f64 = v.parse().map_err(|_| format!("fault {k}: {v:?} is not a number"))?;
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("fault {k}: {p} is not in 0..=1"));
            }
            match k {
                "429" => f.rate_limit = p,
                "5xx" => f.server_error = p,
                "slow" => f.slow = p,
                "malformed" => f.malformed = p,
                "order_timeout" => f.order_timeout = p,
                other => {
                    return Err(format!("unknown fault {other:?} (expected 429, 5xx, slow, malformed, order_timeout)"));
                }
            }
        }
        Ok(f)
    }
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    RateLimit,
    ServerError,
    Slow(Duration),
    Malformed,
}

/// Draws faults from a seeded generator.
#[derive(Debug)]
pub struct FaultPlan {
    faults: Mutex<Faults>,
    rng: Mutex<fastrand::Rng>,
}

impl FaultPlan {
    pub fn new(faults: Faults, seed: u64) -> Self {
        Self { faults: Mutex::new(faults), rng: Mutex::new(fastrand::Rng::with_seed(seed)) }
    }

    pub fn set(&self, faults: Faults) {
        *self.faults.lock().unwrap_or_else(|p| p.into_inner()) = faults;
    }

    pub fn draw(&self) -> Fault {
        let f = *self.faults.lock().unwrap_or_else(|p| p.into_inner());
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        let x = rng.f64();
        let mut edge = f.rate_limit;
        if x < edge {
            return Fault::RateLimit;
        }
        edge += f.server_error;
        if x < edge {
            return Fault::ServerError;
        }
        edge += f.slow;
        if x < edge {
            return Fault::Slow(Duration::from_millis(300 + rng.u64(0..700)));
        }
        edge += f.malformed;
        if x < edge {
            return Fault::Malformed;
        }
        Fault::None
    }

    /// Whether an order's answer is held back (it went through; the client will not hear it).
    pub fn order_timeout(&self) -> bool {
        let p = self.faults.lock().unwrap_or_else(|p| p.into_inner()).order_timeout;
        p > 0.0 && self.rng.lock().unwrap_or_else(|p| p.into_inner()).f64() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_flag() {
        let f: Faults = "429=0.2,5xx=0.1,slow=0.05,malformed=0.01".parse().unwrap();
        assert_eq!(f, Faults { rate_limit: 0.2, server_error: 0.1, slow: 0.05, malformed: 0.01, order_timeout: 0.0 });
        assert_eq!("order_timeout=0.5".parse::<Faults>().unwrap().order_timeout, 0.5);
        assert!("429=2".parse::<Faults>().is_err());
        assert!("boom=0.1".parse::<Faults>().is_err());
    }

    #[test]
    fn seeded_draws_repeat_and_match_rates() {
        let f: Faults = "429=0.3,5xx=0.1".parse().unwrap();
        let a = FaultPlan::new(f, 7);
        let b = FaultPlan::new(f, 7);
        let draws: Vec<_> = (0..2000).map(|_| a.draw()).collect();
        assert_eq!(draws, (0..2000).map(|_| b.draw()).collect::<Vec<_>>());
        let n429 = draws.iter().filter(|d| **d == Fault::RateLimit).count();
        assert!((500..700).contains(&n429), "{n429}");
    }
}
