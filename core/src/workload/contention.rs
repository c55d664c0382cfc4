//! The contention ladder's steps in Rust: the same loop on each rung, one read or write per
//! step, touching objects shared more and more closely ([`Rung`]). These are analogues, not
//! imitations: CPython's cost on a shared object is its reference count and its per-object
//! lock, so the Rust rungs pay the nearest honest thing: an `Arc` cloned and dropped per step
//! (an atomic reference count on one shared cache line), a shared `RwLock`'s read lock, its
//! write lock, a shared `Mutex`, and a `thread_local!`. A process pool's workers each have
//! their own statics, and rust-gil's interpreters their own copies, so they share nothing,
//! as CPython's processes and subinterpreters do. The loop ticks the
//! interpreter hook, so rust-gil runs it under its modelled lock.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, RwLock};

use super::{Interpreter, TICK_EVERY};
pub use crate::model::Rung;

/// The size of every rung's table.
pub const TABLE: u64 = 1000;

/// The objects the shared rungs touch: a process's statics, which its threads share, or an
/// interpreter's own (rust-gil's interpreter pool: CPython's subinterpreters each import
/// their own module globals, so they share none of them).
struct Globals {
    shared: Arc<Vec<u64>>,
    dict: RwLock<HashMap<u64, u64>>,
    lock: Mutex<u64>,
}

impl Globals {
    fn new() -> Self {
        Globals {
            shared: Arc::new((TABLE..2 * TABLE).collect()),
            dict: RwLock::new((0..TABLE).map(|k| (k, k + TABLE)).collect()),
            lock: Mutex::new(0),
        }
    }
}

static PROCESS: LazyLock<Globals> = LazyLock::new(Globals::new);

thread_local! {
    static INTERPRETER: Globals = Globals::new();
    static LOCAL: Cell<u64> = const { Cell::new(1) };
}

/// Runs `steps` steps of `rung`, ticking `interpreter` every [`TICK_EVERY`], on the
/// process's shared objects, or with `own_globals` on this thread's own (an interpreter's);
/// returns a value that depends only on the rung and the steps (the same in every pool).
pub fn contend_with<I: Interpreter>(
    rung: Rung,
    steps: u64,
    own_globals: bool,
    interpreter: &I,
) -> f64 {
    if own_globals {
        INTERPRETER.with(|globals| contend_in(globals, rung, steps, interpreter))
    } else {
        contend_in(&PROCESS, rung, steps, interpreter)
    }
}

fn contend_in<I: Interpreter>(globals: &Globals, rung: Rung, steps: u64, interpreter: &I) -> f64 {
    match rung {
        Rung::Private => {
            let own: Vec<u64> = (TABLE..2 * TABLE).collect();
            run(steps, interpreter, |k| own[k as usize])
        }
        Rung::SharedRead => run(steps, interpreter, |k| {
            let shared = Arc::clone(&globals.shared);
            shared[k as usize]
        }),
        Rung::DictRead => run(steps, interpreter, |k| {
            globals.dict.read().map_or(0, |table| table.get(&k).copied().unwrap_or(0))
        }),
        // The value written is the one there: every read of the table stays the same.
        Rung::DictWrite => run(steps, interpreter, |k| {
            globals.dict.write().map_or(0, |mut table| {
                table.insert(k, k + TABLE);
                1
            })
        }),
        Rung::Lock => run(steps, interpreter, |_| {
            globals.lock.lock().map_or(0, |mut count| {
                *count = count.wrapping_add(1);
                1
            })
        }),
        Rung::Local => run(steps, interpreter, |_| LOCAL.with(Cell::get)),
    }
}

/// The ladder's loop: `step` of each key in turn, summed.
#[inline]
fn run<I: Interpreter>(steps: u64, interpreter: &I, step: impl Fn(u64) -> u64) -> f64 {
    let mut acc: u64 = 0;
    for i in 0..steps {
        if i % TICK_EVERY == 0 {
            interpreter.tick();
        }
        acc = acc.wrapping_add(step(std::hint::black_box(i) % TABLE));
    }
    acc as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::NoGil;

    #[test]
    fn each_rung_gives_the_same_value_in_every_thread() {
        for &rung in Rung::ALL {
            let alone = contend_with(rung, 5000, false, &NoGil);
            let threads: Vec<f64> = (0..4)
                .map(|_| std::thread::spawn(move || contend_with(rung, 5000, false, &NoGil)))
                .map(|handle| handle.join().expect("thread"))
                .collect();
            assert!(threads.iter().all(|&v| v == alone), "{rung}: {alone} against {threads:?}");
        }
        // Reads sum the table's values; writes and locks count their steps.
        let sum: u64 = (0..5000).map(|i| TABLE + i % TABLE).sum();
        assert_eq!(contend_with(Rung::SharedRead, 5000, true, &NoGil), sum as f64);
        assert_eq!(contend_with(Rung::DictWrite, 5000, true, &NoGil), 5000.0);
        assert_eq!(contend_with(Rung::Local, 5000, false, &NoGil), 5000.0);
    }
}
