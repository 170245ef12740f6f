// SPDX-License-Identifier: GPL-2.0
/* xtcp: the one place the xtcp:* tracepoints are instantiated. */
#define CREATE_TRACE_POINTS
#include "trace.h"
