//! Instruction counts of the pipeline on the gateway benchmark's conversation
//! (`bench/gateway_bench.py`): run under `valgrind --tool=callgrind` and divide by
//! the number of rounds. `GUARD_DISABLED=PII,SEC` disables families as `[guard]
//! disabled` does; `GUARD_ROUNDS` sets the rounds (default 200).
//!
//! ```text
//! cargo build --release -p rampart-guard --example guard_instructions
//! valgrind --tool=callgrind target/release/examples/guard_instructions
//! ```
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::hint::black_box;

use rampart_guard::{Pipeline, PipelineConfig, Policy, Redactions, Role};

const SYSTEM: &str = "You are the support assistant of Northwind Outdoor, a retailer of camping and hiking equipment. Answer politely and concisely, follow the returns policy (30 days, unused items, original packaging; sale items are final), and offer to open a ticket when you cannot solve the problem yourself. Never promise refunds before the warehouse has inspected the item.";
const USER1: &str = "Hi, I bought the Ridgeline 2 tent about three weeks ago and used it once on a weekend trip. One of the aluminium poles cracked near the hub while I was pitching it, the wind was not strong at all. Is this covered, and what should I do?";
const ASSISTANT: &str = "I'm sorry to hear about the pole. A pole that cracks during normal pitching is covered by the two-year manufacturer warranty, even after the 30-day return window, so you have a few options. We can send you a replacement pole section free of charge, or you can bring the tent to any of our stores where the staff can swap the pole on the spot. Could you tell me which section cracked (the long ridge pole or one of the two shorter crossing poles) and whether the shock cord inside is still intact? If you prefer, I can also arrange a pick-up of the whole tent by courier so the warehouse can inspect it, but that usually takes a week longer than sending the part.";
const USER2: &str = "It is the long ridge pole, the second section from the end. The cord looks fine. I would prefer the replacement by post because the nearest store is two hours away. Also, the stuff sack ripped at the seam, can you add a new one to the parcel? I have a trip planned in ten days, will it arrive in time? My order number is NW-48213 and the delivery address has not changed since the purchase. Thanks a lot for the quick help, the rest of the tent was great and stayed dry all night.";

fn main() {
    let disabled: Vec<String> = std::env::var("GUARD_DISABLED")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let rounds: usize = std::env::var("GUARD_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let p = Pipeline::new(PipelineConfig {
        disabled,
        ..PipelineConfig::default()
    })
    .unwrap();
    let policy = Policy::default();
    let texts = [
        (SYSTEM, Role::System),
        (USER1, Role::User),
        (ASSISTANT, Role::User),
        (USER2, Role::User),
    ];
    for _ in 0..rounds {
        for (t, r) in texts {
            let mut map = Redactions::new();
            black_box(p.evaluate(black_box(t), r, &policy, &mut map));
        }
    }
    // one output window, as the gateway judges an answer
    for _ in 0..rounds {
        black_box(p.check(black_box(ASSISTANT), Role::Assistant));
    }
    println!("{rounds} rounds");
}
