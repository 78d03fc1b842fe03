// PDF from a report's HTML, printed by Debian's headless Chromium (the same engine as the preview,
// so what is previewed is what is printed). The HTML goes to a private temporary directory that is
// removed afterwards: an un-redacted report never lingers on disk.
#pragma once

#include <string>

#include "domain/result.h"

namespace dossier::reports {

// Chromium: $DOSSIER_CHROMIUM, else /usr/bin/chromium. Fails with kIo (naming the program) when it
// is missing, fails or takes longer than `timeout_seconds`.
Result<std::string> RenderPdf(const std::string& html, int timeout_seconds = 120);

}  // namespace dossier::reports
