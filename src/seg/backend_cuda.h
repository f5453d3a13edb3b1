/* seg/backend_cuda: the cuda backend's launchers. They are declared beside the kernels
 * (kernels/seg_launch.h) because kernels/ includes only kernels/. */
#pragma once
#include "kernels/seg_launch.h"
