//! Rate limits and API keys against real `vinbot serve` processes, the real Redis on
//! `VINBOT_TEST_REDIS_URL`, default 127.0.0.1:6379 (a unique key prefix per test) and Redis servers started by the tests.
#![recursion_limit = "256"]

mod harness;
mod keys;
mod multi;
mod redis_down;
