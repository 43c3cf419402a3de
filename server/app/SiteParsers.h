#pragma once
// Text checks for the per-site settings (sites, header rules, error pages),
// in the style of ValueParsers: "" on success, otherwise the reason.
#include <chrono>
#include <string>
#include <string_view>

namespace tpserve::app {

// A URL path beneath a site's root: starts with '/', no query, fragment,
// control bytes or ".." segment. For error_pages and fallback.
std::string check_url_path(std::string_view text);

// A header rule's glob: '*', '**', '?', and one level of {a,b} alternatives.
std::string check_glob(std::string_view text);

// A field name a header rule may set: a token, and not one the server owns
// (framing, validators, Date, Server...).
std::string check_field_name(std::string_view text);

// max_age: seconds, or a number with s, m, h, d, w or y (365 days); 0..68 years.
std::string parse_max_age(std::string_view text, std::chrono::seconds& out);

// A site's host name, lower-cased in place: a DNS name, "*.suffix", an IPv4
// address or a bracketed IPv6 address; a trailing dot is dropped; no port.
std::string normalize_site_host(std::string& text);

}  // namespace tpserve::app
