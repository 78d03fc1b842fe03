// Escaping text for XML and HTML documents that Dossier writes itself (Atom feeds, SVG charts,
// report pages): one function, so every writer gets the same, complete set of rules.
#pragma once

#include <string>
#include <string_view>

namespace dossier {

// Text safe inside an element or a quoted attribute of XML 1.0 or HTML: & < > " ' become
// references, and control characters other than tab, newline and carriage return, which XML 1.0
// forbids, are dropped.
std::string EscapeMarkup(std::string_view text);

}  // namespace dossier
