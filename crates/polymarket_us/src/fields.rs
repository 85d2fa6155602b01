//! The fields of the gateway's payloads: those crossbook's decisions rest on (`*_READ`: a
//! listing without one of them has drifted), and every one known to exist (`*_KNOWN`: the
//! recorded payloads in `tests/data/` and the venue's documented market object).
//! `crossbook venues check` reports a field outside both as new.

/// Event fields crossbook reads.
pub const EVENT_READ: &[&str] = &["slug", "title", "startTime", "markets"];

/// Every event field known.
pub const EVENT_KNOWN: &[&str] = &[
    "active",
    "archived",
    "category",
    "closed",
    "combos",
    "createdAt",
    "description",
    "endDate",
    "ended",
    "gameId",
    "hidden",
    "id",
    "live",
    "marketCounts",
    "marketGroups",
    "participants",
    "period",
    "primaryTag",
    "score",
    "seriesSlug",
    "sortType",
    "sportradarGameId",
    "startDate",
    "tags",
    "teams",
    "ticker",
    "updatedAt",
];

/// Market fields crossbook reads to store, classify, match, price and gate a market.
pub const MARKET_READ: &[&str] = &[
    "slug",
    "question",
    "description",
    "active",
    "closed",
    "status",
    "sportsMarketType",
    "sportsMarketTypeV2",
    "marketSides",
    "orderPriceMinTickSize",
    "minimumTradeQty",
    "feeCoefficient",
    "gameStartTime",
];

/// Every market field known.
pub const MARKET_KNOWN: &[&str] = &[
    "archived",
    "bestAskQuote",
    "bestBidQuote",
    "category",
    "comboEnabled",
    "createdAt",
    "endDate",
    "ep3Status",
    "ep3SyncedAt",
    "hidden",
    "id",
    "line",
    "manualActivation",
    "marketType",
    "outcomePrices",
    "outcomes",
    "spreadTotalSuffix",
    "startDate",
    "tags",
    "title",
    "titleShort",
    "updatedAt",
];

/// Book fields crossbook reads (`marketData`).
pub const BOOK_READ: &[&str] = &["bids", "offers", "state"];

/// Every book field known.
pub const BOOK_KNOWN: &[&str] = &["marketSlug", "transactTime", "stats"];
