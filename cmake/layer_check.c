/* The link check of one module (src/CMakeLists.txt): linked with the module's whole archive
 * and only the modules below it, this program fails to link when the module calls upward.
 * It is never run. */
int main(void) { return 0; }
