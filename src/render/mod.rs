//! Layouts for people: how a token looks on a terminal. Commands decide what to show; this module
//! decides where it goes on the screen. JSON output never comes through here.

pub mod decode;
pub mod man;
