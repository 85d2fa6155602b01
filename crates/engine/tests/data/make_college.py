#!/usr/bin/env python3
"""Writes the labelled college capture in ./college (deterministic): NCAA men's and women's
basketball as each venue names schools, in the shapes of the real recordings of
../shared/data/real/multi-league (`KXNCAAMBGAME-26MAR19IDHOHOU`, `cbb-idaho-hou-2026-03-19`):
Kalshi writes the school ("Jacksonville St.", "Tennessee-Martin", "UMass", "SE Louisiana"),
Polymarket "School Mascot" ("Jacksonville State Gamecocks", "UT Martin Skyhawks",
"Massachusetts Minutemen"). Names are typed here as each venue writes them, not taken from the
registry. Games are dated in November 2025 and March 2026; codes, ids and prices are made up.

Traps planted:
- Namesakes on the same day: Jacksonville and Jacksonville State, Miami (FL) and Miami (OH),
  Southern and Texas Southern, Georgia, Georgia State and Georgia Southern, Louisiana and
  Louisiana-Monroe and Louisiana Tech — each in its own game.
- A Kalshi game whose school's namesake plays the same opponent on Polymarket only
  (Jacksonville at Stetson on Kalshi; Jacksonville State v Stetson on Polymarket): never linked.
- The same two schools' men's and women's games on the same day (Duke at North Carolina,
  Kentucky at Tennessee, UConn at Villanova): each linked within its own league.
- Spreads on the line and one point off (only the same line matches); totals likewise.
"""
import json
from datetime import datetime, timedelta

from capture_shapes import Ids, kalshi_market, label_line, poly_market, write_capture

NOW = "2025-11-10T12:00:00Z"
OUT = "college"
k_events, p_events, labels = [], [], []
nid = Ids(8_100_000)


MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

# (Kalshi name, Kalshi code, Polymarket name, Polymarket code): how each venue writes a school.
S = {
    "duke": ("Duke", "DUKE", "Duke Blue Devils", "duke"),
    "unc": ("North Carolina", "UNC", "North Carolina Tar Heels", "unc"),
    "jax": ("Jacksonville", "JAX", "Jacksonville Dolphins", "jax"),
    "jvst": ("Jacksonville St.", "JVST", "Jacksonville State Gamecocks", "jvst"),
    "stet": ("Stetson", "STET", "Stetson Hatters", "stet"),
    "lib": ("Liberty", "LIB", "Liberty Flames", "lib"),
    "miafl": ("Miami (FL)", "MIA", "Miami Hurricanes", "mia"),
    "miaoh": ("Miami (OH)", "MOH", "Miami (OH) RedHawks", "miaoh"),
    "ohio": ("Ohio", "OHIO", "Ohio Bobcats", "ohio"),
    "fsu": ("Florida St.", "FSU", "Florida State Seminoles", "fsu"),
    "sou": ("Southern", "SOU", "Southern Jaguars", "sou"),
    "alcn": ("Alcorn St.", "ALCN", "Alcorn State Braves", "alcn"),
    "txso": ("Texas Southern", "TXSO", "Texas Southern Tigers", "txso"),
    "jkst": ("Jackson St.", "JKST", "Jackson State Tigers", "jkst"),
    "uga": ("Georgia", "UGA", "Georgia Bulldogs", "uga"),
    "aub": ("Auburn", "AUB", "Auburn Tigers", "aub"),
    "gast": ("Georgia St.", "GAST", "Georgia State Panthers", "gast"),
    "troy": ("Troy", "TROY", "Troy Trojans", "troy"),
    "gaso": ("Georgia Southern", "GASO", "Georgia Southern Eagles", "gaso"),
    "app": ("App State", "APP", "Appalachian State Mountaineers", "app"),
    "ull": ("Louisiana", "ULL", "Louisiana Ragin' Cajuns", "ull"),
    "usa": ("South Alabama", "USA", "South Alabama Jaguars", "usa"),
    "ulm": ("Louisiana-Monroe", "ULM", "UL Monroe Warhawks", "ulm"),
    "txst": ("Texas St.", "TXST", "Texas State Bobcats", "txst"),
    "lt": ("Louisiana Tech", "LT", "Louisiana Tech Bulldogs", "latech"),
    "wku": ("Western Kentucky", "WKU", "Western Kentucky Hilltoppers", "wku"),
    "utm": ("Tennessee-Martin", "UTM", "UT Martin Skyhawks", "utm"),
    "more": ("Morehead St.", "MORE", "Morehead State Eagles", "more"),
    "umass": ("UMass", "MASS", "Massachusetts Minutemen", "umass"),
    "kent": ("Kent St.", "KENT", "Kent State Golden Flashes", "kent"),
    "sela": ("SE Louisiana", "SELA", "Southeastern Louisiana Lions", "sela"),
    "nich": ("Nicholls", "NICH", "Nicholls Colonels", "nich"),
    "semo": ("SE Missouri St.", "SEMO", "Southeast Missouri State Redhawks", "semo"),
    "siue": ("SIU Edwardsville", "SIUE", "SIU Edwardsville Cougars", "siue"),
    "lbsu": ("Long Beach St.", "LBSU", "Long Beach State Beach", "lbsu"),
    "ucsb": ("UC Santa Barbara", "UCSB", "UC Santa Barbara Gauchos", "ucsb"),
    "csuf": ("Cal St. Fullerton", "CSUF", "Cal State Fullerton Titans", "csuf"),
    "csun": ("CSUN", "CSUN", "Cal State Northridge Matadors", "csun"),
    "luc": ("Loyola Chicago", "LUC", "Loyola Chicago Ramblers", "luc"),
    "slu": ("Saint Louis", "SLU", "Saint Louis Billikens", "slu"),
    "stj": ("St. John's", "STJ", "St. John's Red Storm", "stj"),
    "hall": ("Seton Hall", "HALL", "Seton Hall Pirates", "hall"),
    "msm": ("Mount St. Mary's", "MSM", "Mount St. Mary's Mountaineers", "msm"),
    "spu": ("Saint Peter's", "SPU", "Saint Peter's Peacocks", "spu"),
    "amcc": ("Texas A&M-CC", "AMCC", "Texas A&M-Corpus Christi Islanders", "tamucc"),
    "utrgv": ("UTRGV", "UTRGV", "UT Rio Grande Valley Vaqueros", "utrgv"),
    "uapb": ("Ark.-Pine Bluff", "UAPB", "Arkansas-Pine Bluff Golden Lions", "uapb"),
    "mvsu": ("Miss. Valley St.", "MVSU", "Mississippi Valley State Delta Devils", "mvsu"),
    "umes": ("Maryland-Eastern Shore", "UMES", "Maryland Eastern Shore Hawks", "umes"),
    "nccu": ("NC Central", "NCCU", "North Carolina Central Eagles", "nccu"),
    "scst": ("SC State", "SCST", "South Carolina State Bulldogs", "scst"),
    "ncat": ("NC A&T", "NCAT", "North Carolina A&T Aggies", "ncat"),
    "uncw": ("UNC Wilmington", "UNCW", "UNC Wilmington Seahawks", "uncw"),
    "cofc": ("Charleston", "COFC", "Charleston Cougars", "cofc"),
    "uic": ("UIC", "UIC", "UIC Flames", "uic"),
    "unlv": ("UNLV", "UNLV", "UNLV Rebels", "unlv"),
    "sdsu": ("San Diego St.", "SDSU", "San Diego State Aztecs", "sdsu"),
    "usc": ("USC", "USC", "USC Trojans", "usc"),
    "ucla": ("UCLA", "UCLA", "UCLA Bruins", "ucla"),
    "olemiss": ("Ole Miss", "MISS", "Ole Miss Rebels", "miss"),
    "msst": ("Mississippi St.", "MSST", "Mississippi State Bulldogs", "msst"),
    "uconn": ("UConn", "CONN", "UConn Huskies", "conn"),
    "nova": ("Villanova", "VILL", "Villanova Wildcats", "vill"),
    "uk": ("Kentucky", "UK", "Kentucky Wildcats", "uk"),
    "tenn": ("Tennessee", "TENN", "Tennessee Volunteers", "tenn"),
    "pitt": ("Pittsburgh", "PITT", "Pitt Panthers", "pitt"),
    "ncst": ("NC State", "NCST", "NC State Wolfpack", "ncst"),
    "etsu": ("East Tennessee St.", "ETSU", "East Tennessee State Buccaneers", "etsu"),
    "wof": ("Wofford", "WOF", "Wofford Terriers", "wof"),
    "ipfw": ("Purdue Fort Wayne", "PFW", "Purdue Fort Wayne Mastodons", "pfw"),
    "iui": ("IU Indianapolis", "IUI", "IU Indy Jaguars", "iui"),
    "fgcu": ("Florida Gulf Coast", "FGCU", "Florida Gulf Coast Eagles", "fgcu"),
    "unf": ("North Florida", "UNF", "North Florida Ospreys", "unf"),
    "sfa": ("Stephen F. Austin", "SFA", "Stephen F. Austin Lumberjacks", "sfa"),
    "lam": ("Lamar", "LAM", "Lamar Cardinals", "lam"),
    "cit": ("The Citadel", "CIT", "The Citadel Bulldogs", "cit"),
    "vmi": ("VMI", "VMI", "VMI Keydets", "vmi"),
    "uml": ("UMass Lowell", "UML", "UMass Lowell River Hawks", "uml"),
    "umbc": ("UMBC", "UMBC", "UMBC Retrievers", "umbc"),
    "liu": ("LIU", "LIU", "Long Island University Sharks", "liu"),
    "fdu": ("Fairleigh Dickinson", "FDU", "Fairleigh Dickinson Knights", "fdu"),
    "lmd": ("Loyola (MD)", "LMD", "Loyola Maryland Greyhounds", "loymd"),
    "navy": ("Navy", "NAVY", "Navy Midshipmen", "navy"),
    "stmn": ("St. Thomas (MN)", "STMN", "St. Thomas Tommies", "stmn"),
    "omaha": ("Omaha", "OMA", "Omaha Mavericks", "oma"),
    "cbu": ("California Baptist", "CBU", "Cal Baptist Lancers", "cbu"),
    "uta": ("UT Arlington", "UTA", "UT Arlington Mavericks", "uta"),
    "gw": ("George Washington", "GW", "George Washington Revolutionaries", "gw"),
    "vcu": ("VCU", "VCU", "VCU Rams", "vcu"),
    "hou": ("Houston", "HOU", "Houston Cougars", "hou"),
    "byu": ("BYU", "BYU", "BYU Cougars", "byu"),
}

# Lady mascots of the women's teams that use them (Polymarket names women's teams so).
WOMEN = {"tenn": "Tennessee Lady Volunteers", "lt": "Louisiana Tech Lady Techsters", "wku": "Western Kentucky Lady Toppers",
         "umass": "Massachusetts Minutewomen", "jkst": "Jackson State Lady Tigers"}


def ticker_date(d):
    return f"{d.year % 100:02d}{MONTHS[d.month - 1]}{d.day:02d}"


def kmarket(ticker, event, title, yes_sub, rules, end, strike=None):
    return kalshi_market(ticker, event, title, yes_sub, rules, end, "2025-11-01T15:00:00Z", "2026-04-03T04:15:00Z", strike)


def pmarket(question, slug, start, outcomes, smt, line=None, group=None):
    return poly_market(nid(), question, slug, start, outcomes, smt, group,
                       "If the game is postponed, this market will remain open until the game has been completed. "
                       "If the game is canceled entirely, with no make-up game, this market will resolve 50-50.", line)


def label(k, p, outcome, kind, line):
    labels.append(label_line(k, p, outcome, kind, line, "match"))


def game(women, day, et_hour, away, home, spread=None, total=None, kalshi=True, poly=True):
    """One game: `spread` = (home favoured by, also list one point off), `total` = points."""
    d = datetime.strptime(day, "%Y-%m-%d")
    start = d + timedelta(hours=et_hour + 5)  # ET → UTC (no summer time in Nov / early Mar)
    st = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (start + timedelta(hours=2, minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (ka, kac, pa, pac), (kh, khc, ph, phc) = S[away], S[home]
    if women:
        pa, ph = WOMEN.get(away, pa), WOMEN.get(home, ph)
    g = "W" if women else "M"
    sport = "college basketball" if not women else "women's college basketball"
    kind = f"KXNCAA{g}B"
    ev = f"{kind}GAME-{ticker_date(d)}{kac}{khc}"
    when = f"{MONTHS[d.month - 1].title()} {d.day}, {d.year}"
    rules = lambda who: f"If {who} wins the {ka} vs {kh} {sport} game originally scheduled for {when}, then the market resolves to Yes."
    prefix = "cwbb" if women else "cbb"
    slug = f"{prefix}-{pac}-{phc}-{day}"
    ml_k = [kmarket(f"{ev}-{c}", ev, f"{ka} at {kh} Winner?", n, rules(n), end) for c, n in [(kac, ka), (khc, kh)]]
    ml_p = pmarket(f"{pa} vs. {ph}", slug, st, [pa, ph], "moneyline")
    markets_p = [ml_p]
    if kalshi:
        k_events.append({"event_ticker": ev, "series_ticker": f"{kind}GAME", "title": f"{ka} at {kh}",
                         "sub_title": f"{kac} at {khc} ({MONTHS[d.month - 1].title()} {d.day})", "category": "Sports",
                         "mutually_exclusive": True,
                         "product_metadata": {"competition": f"College Basketball ({g})", "competition_scope": "Game"},
                         "markets": ml_k})
    if kalshi and poly:
        label(ml_k[0], ml_p, 0, "moneyline", None)
        label(ml_k[1], ml_p, 1, "moneyline", None)
    if spread is not None:
        sev = f"{kind}SPREAD-{ticker_date(d)}{kac}{khc}"
        ks = [kmarket(f"{sev}-{khc}{int(x)}", sev, f"{kh} wins by over {x} points?", f"{kh} wins by over {x} points",
                      f"If {kh} wins by more than {x} points in the {ka} vs {kh} {sport} game originally scheduled for {when}, then the market resolves to Yes.",
                      end, x) for x in (spread, spread + 1)]
        ps = pmarket(f"Spread: {ph} (-{spread})", f"{slug}-spread-home-{str(spread).replace('.', 'pt')}", st, [ph, pa],
                     "spreads", -spread, f"Spread -{spread}")
        markets_p.append(ps)
        if kalshi:
            k_events.append({"event_ticker": sev, "series_ticker": f"{kind}SPREAD", "title": f"{ka} at {kh}: Spread",
                             "sub_title": f"{kac} at {khc} ({MONTHS[d.month - 1].title()} {d.day})", "category": "Sports",
                             "mutually_exclusive": False,
                             "product_metadata": {"competition": f"College Basketball ({g})", "competition_scope": "Game"},
                             "markets": ks})
            if poly:
                label(ks[0], ps, 0, "spread", spread)
    if total is not None:
        tev = f"{kind}TOTAL-{ticker_date(d)}{kac}{khc}"
        kt = [kmarket(f"{tev}-{int(x)}", tev, f"{ka} at {kh}: Total Points", f"Over {x} points scored",
                      f"If the teams collectively score more than {x} points in the {ka} vs {kh} {sport} game originally scheduled for {when}, then the market resolves to Yes.",
                      end, x) for x in (total, total + 2)]
        pt = pmarket(f"{pa} vs. {ph}: O/U {total}", f"{slug}-total-{str(total).replace('.', 'pt')}", st, ["Over", "Under"],
                     "totals", total, f"O/U {total}")
        markets_p.append(pt)
        if kalshi:
            k_events.append({"event_ticker": tev, "series_ticker": f"{kind}TOTAL", "title": f"{ka} at {kh}: Total Points",
                             "sub_title": f"{kac} at {khc} ({MONTHS[d.month - 1].title()} {d.day})", "category": "Sports",
                             "mutually_exclusive": False,
                             "product_metadata": {"competition": f"College Basketball ({g})", "competition_scope": "Game"},
                             "markets": kt})
            if poly:
                label(kt[0], pt, 0, "total", total)
    if poly:
        tags = [{"id": "1", "label": "Sports"}, {"id": "100639", "label": "Games"}]
        tags += [{"id": "102003", "label": "CWBB"}] if women else [{"id": "101178", "label": "CBB"}, {"id": "101954", "label": "NCAAB"}]
        p_events.append({"id": nid(), "slug": slug, "ticker": slug, "title": f"{pa} vs. {ph}", "startTime": st,
                         "eventDate": day, "active": True, "closed": False, "tags": tags, "markets": markets_p})


M, W = False, True
# Men's, November 2025.
for day, hour, away, home, spread, total in [
    ("2025-11-11", 19, "jax", "stet", None, None),
    ("2025-11-11", 19, "jvst", "lib", 4.5, 139.5),
    ("2025-11-11", 20, "miafl", "fsu", 2.5, 148.5),
    ("2025-11-11", 19, "miaoh", "ohio", None, 151.5),
    ("2025-11-11", 20, "sou", "alcn", 3.5, None),
    ("2025-11-11", 20, "txso", "jkst", None, 142.5),
    ("2025-11-12", 19, "aub", "uga", 6.5, 155.5),
    ("2025-11-12", 18, "gast", "troy", 1.5, None),
    ("2025-11-12", 19, "gaso", "app", 5.5, 137.5),
    ("2025-11-12", 20, "ull", "usa", None, None),
    ("2025-11-12", 20, "ulm", "txst", 8.5, None),
    ("2025-11-12", 19, "lt", "wku", 2.5, 144.5),
    ("2025-11-13", 20, "utm", "more", 3.5, None),
    ("2025-11-13", 19, "umass", "kent", 4.5, 146.5),
    ("2025-11-13", 19, "sela", "nich", None, 139.5),
    ("2025-11-13", 20, "semo", "siue", 1.5, None),
    ("2025-11-13", 22, "lbsu", "ucsb", 7.5, 141.5),
    ("2025-11-13", 22, "csuf", "csun", None, None),
    ("2025-11-14", 20, "luc", "slu", 3.5, 140.5),
    ("2025-11-14", 19, "stj", "hall", 5.5, 138.5),
    ("2025-11-14", 19, "msm", "spu", None, None),
    ("2025-11-14", 20, "amcc", "utrgv", 2.5, None),
    ("2025-11-14", 20, "uapb", "mvsu", None, 145.5),
    ("2025-11-14", 19, "umes", "nccu", 9.5, None),
    ("2025-11-15", 18, "scst", "ncat", None, 143.5),
    ("2025-11-15", 19, "uncw", "cofc", 3.5, 147.5),
    ("2025-11-15", 20, "uic", "ipfw", None, None),
    ("2025-11-15", 22, "unlv", "sdsu", 6.5, 136.5),
    ("2025-11-15", 22, "usc", "ucla", 4.5, 144.5),
    ("2025-11-15", 20, "olemiss", "msst", 2.5, None),
    ("2025-11-16", 18, "etsu", "wof", 1.5, None),
    ("2025-11-16", 18, "iui", "ipfw", None, 150.5),
    ("2025-11-16", 19, "fgcu", "unf", 3.5, None),
    ("2025-11-16", 20, "sfa", "lam", None, 138.5),
    ("2025-11-16", 18, "cit", "vmi", 1.5, None),
    ("2025-11-16", 19, "uml", "umbc", None, 152.5),
    ("2025-11-17", 19, "liu", "fdu", 2.5, None),
    ("2025-11-17", 19, "lmd", "navy", None, 131.5),
    ("2025-11-17", 20, "stmn", "omaha", 4.5, None),
    ("2025-11-17", 21, "cbu", "uta", None, None),
    ("2025-11-17", 19, "gw", "vcu", 7.5, 143.5),
    ("2025-11-17", 21, "hou", "byu", 3.5, 137.5),
    ("2026-03-05", 19, "pitt", "ncst", 4.5, 141.5),
    ("2026-03-05", 21, "duke", "unc", 2.5, 152.5),
    ("2026-03-05", 19, "uk", "tenn", 3.5, 146.5),
    ("2026-03-05", 19, "uconn", "nova", 6.5, 139.5),
]:
    game(M, day, hour, away, home, spread, total)
# The same schools' women's games the same day, and more women's games.
for day, hour, away, home, spread in [
    ("2026-03-05", 17, "duke", "unc", 1.5),
    ("2026-03-05", 17, "uk", "tenn", 5.5),
    ("2026-03-05", 17, "uconn", "nova", 14.5),
    ("2026-03-06", 18, "lt", "wku", None),
    ("2026-03-06", 18, "umass", "kent", None),
    ("2026-03-06", 19, "txso", "jkst", 3.5),
    ("2026-03-06", 19, "jax", "stet", None),
    ("2026-03-06", 19, "jvst", "lib", None),
    ("2026-03-06", 20, "miafl", "fsu", None),
    ("2026-03-06", 17, "gast", "troy", None),
    ("2026-03-06", 20, "usc", "ucla", 2.5),
    ("2026-03-06", 18, "stj", "hall", None),
]:
    game(W, day, hour, away, home, spread, None)
# Kalshi and Polymarket each list a game the other does not, against a namesake's opponent.
game(M, "2026-03-07", 19, "jax", "lib", kalshi=True, poly=False)
game(M, "2026-03-07", 19, "jvst", "lib", kalshi=False, poly=True)
game(M, "2026-03-07", 20, "miaoh", "kent", kalshi=True, poly=False)
game(M, "2026-03-07", 20, "miafl", "kent", kalshi=False, poly=True)


series = [{"ticker": f"KXNCAA{g}B{k}", "title": f"{'Men' if g == 'M' else 'Women'}'s College Basketball {k.title()}",
           "category": "Sports", "tags": ["Basketball"], "fee_type": "quadratic_with_maker_fees", "fee_multiplier": 1}
          for g in "MW" for k in ("GAME", "SPREAD", "TOTAL")]
write_capture(OUT, NOW, series, k_events, p_events, [
    {"id": 4, "sport": "cbb", "ordering": "away", "tags": "1,101178,100639,101954", "series": "10470"},
    {"id": 47, "sport": "cwbb", "ordering": "home", "tags": "1,28,100639,102003", "series": "10471"},
], labels)
