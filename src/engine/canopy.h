/* canopy.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define CANOPY_INSIDE

#include "canopy-version-macros.h"

#include "canopy-enums.h"
#include "canopy-error.h"
#include "canopy-message.h"
#include "canopy-filter.h"
#include "canopy-bus.h"
#include "canopy-config.h"
#include "canopy-listener.h"
#include "canopy-buffered-reader.h"
#include "canopy-redirect-reader.h"
#include "canopy-notifier.h"
#include "canopy-main-context-listener.h"

/* drivers */
#include "canopy-virtual-bus.h"

/* formats */
#include "canopy-printer.h"

#undef CANOPY_INSIDE
