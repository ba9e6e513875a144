//! Integration tests: the real binary, its stdout, stderr and exit status.

mod forge;
#[path = "../support/http_server.rs"]
mod http_server;
mod support;

mod adversary;
mod decode;
mod decode_layout;
mod foundation;
mod gen_secret;
mod guidance;
mod hardening;
mod help;
mod issue;
mod issue_options;
mod jwe;
mod key_forms;
mod keys;
mod leaks;
mod lifecycle;
mod manpages;
mod packaging;
mod recipes;
mod security;
mod store_hardening;
mod terminal;
mod verify;
