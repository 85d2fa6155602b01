//! What the trades hold and made: positions from the fills, P&L from the trades, per trade,
//! league, kind and day (`crossbook positions|pnl`, the dashboard, the report).

use std::collections::{BTreeMap, HashMap};

use crossbook_model::{Action, Contract, Fill, Money, Qty, Rounding, Trade, TradeStatus};
use serde::Serialize;

/// What is held of one contract, from its fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    #[serde(flatten)]
    pub contract: Contract,
    pub mode: crossbook_model::ExecutionMode,
    /// Contracts held (bought less sold).
    pub size: Qty,
    /// What the held contracts cost (fees apart), and per contract.
    pub cost: Money,
    pub average_price: Money,
    pub fees: Money,
}

/// Net positions from `fills`, oldest fill first; contracts no longer held are left out. Sorted
/// by mode, venue and market.
pub fn positions(fills: &[Fill]) -> Vec<Position> {
    let mut by: HashMap<(&Contract, crossbook_model::ExecutionMode), Position> = HashMap::new();
    for f in fills {
        let p = by.entry((&f.contract, f.mode)).or_insert_with(|| Position {
            contract: f.contract.clone(),
            mode: f.mode,
            size: Qty::ZERO,
            cost: Money::ZERO,
            average_price: Money::ZERO,
            fees: Money::ZERO,
        });
        match f.action {
            Action::Buy => {
                p.size = p.size.checked_add(f.size).unwrap_or(p.size);
                p.cost += Money::of(f.price, f.size, Rounding::Up);
            }
            Action::Sell => {
                let share = p.cost.per(p.size, Rounding::Up).times(f.size, Rounding::Down);
                p.size = p.size.saturating_sub(f.size);
                p.cost = if p.size.is_zero() { Money::ZERO } else { p.cost - share };
            }
        }
        p.fees += f.fee;
        p.average_price = p.cost.per(p.size, Rounding::Up);
    }
    let mut held: Vec<Position> = by.into_values().filter(|p| !p.size.is_zero()).collect();
    held.sort_by(|a, b| {
        (a.mode.as_str(), a.contract.venue, &a.contract.market, &a.contract.outcome).cmp(&(
            b.mode.as_str(),
            b.contract.venue,
            &b.contract.market,
            &b.contract.outcome,
        ))
    });
    held
}

/// Trades added up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub trades: u64,
    /// Of them: legs held unhedged at the end, the first leg missed, excess sold back.
    pub unhedged: u64,
    pub missed: u64,
    pub unwound: u64,
    pub sets: Qty,
    pub bought: Money,
    pub sold: Money,
    pub fees: Money,
    /// What the opportunities promised at the decision, and what the trades made.
    pub planned_profit: Money,
    pub pnl: Money,
}

impl Totals {
    fn add(&mut self, t: &Trade) {
        self.trades += 1;
        match t.status {
            TradeStatus::Unhedged => self.unhedged += 1,
            TradeStatus::Missed => self.missed += 1,
            TradeStatus::Unwound => self.unwound += 1,
            TradeStatus::Hedged | TradeStatus::Working => {}
        }
        self.sets = self.sets.checked_add(t.sets).unwrap_or(self.sets);
        self.bought += t.bought;
        self.sold += t.sold;
        self.fees += t.fees;
        self.planned_profit += t.planned_profit;
        self.pnl += t.pnl;
    }
}

/// P&L per league, kind and (UTC) day of the decision, and in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pnl {
    pub total: Totals,
    pub by_league: BTreeMap<String, Totals>,
    pub by_kind: BTreeMap<String, Totals>,
    pub by_day: BTreeMap<String, Totals>,
}

/// Adds up `trades`.
pub fn pnl(trades: &[Trade]) -> Pnl {
    let mut out = Pnl::default();
    for t in trades {
        out.total.add(t);
        let league = t.league.map_or("-", |l| l.code()).to_string();
        out.by_league.entry(league).or_default().add(t);
        out.by_kind.entry(t.kind.as_str().to_string()).or_default().add(t);
        out.by_day.entry(t.decided_at.format("%Y-%m-%d").to_string()).or_default().add(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use crossbook_model::{ExecutionMode, LinkId, Side, Venue};

    use super::*;

    fn fill(action: Action, price: &str, size: i64, fee: &str) -> Fill {
        Fill {
            fill_id: format!("f{price}{size}"),
            order_id: "o".into(),
            trade_id: "t".into(),
            contract: Contract {
                venue: Venue::Kalshi,
                market: "KXNBAGAME-26NOV20BOSNYK-BOS".into(),
                side: Some(Side::Yes),
                outcome: None,
            },
            action,
            price: price.parse().unwrap(),
            size: Qty::from_whole(size).unwrap(),
            fee: fee.parse().unwrap(),
            at: Utc.with_ymd_and_hms(2026, 11, 20, 23, 0, 0).unwrap(),
            mode: ExecutionMode::Paper,
            opportunity: LinkId(7),
        }
    }

    #[test]
    fn positions_net_buys_and_sells_at_average_cost() {
        // 50 at 0.40 and 30 at 0.45: 80 for 33.50; 20 sold leave 60 at the average 0.41875.
        let fills = [
            fill(Action::Buy, "0.40", 50, "0.84"),
            fill(Action::Buy, "0.45", 30, "0.52"),
            fill(Action::Sell, "0.38", 20, "0.33"),
        ];
        let p = positions(&fills);
        assert_eq!(p.len(), 1);
        assert_eq!(
            (p[0].size, p[0].cost.to_string(), p[0].average_price.to_string()),
            (Qty::from_whole(60).unwrap(), "25.125".into(), "0.41875".into())
        );
        assert_eq!(p[0].fees.to_string(), "1.69");
        // Sold out: no position.
        assert!(positions(&[fill(Action::Buy, "0.40", 5, "0"), fill(Action::Sell, "0.41", 5, "0")]).is_empty());
    }
}
