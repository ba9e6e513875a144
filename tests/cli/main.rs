//! Integration tests: the real binary, its stdout, stderr and exit status.

mod forge;
mod support;

mod adversary;
mod decode;
mod foundation;
mod gen_secret;
mod hardening;
mod issue;
mod keys;
mod leaks;
mod lifecycle;
mod recipes;
mod security;
mod store_hardening;
mod verify;
