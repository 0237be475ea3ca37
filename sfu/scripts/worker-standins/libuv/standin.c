/* An empty translation unit: the worker link_whole()s this library; the code is in the Debian library. */
int parley_mediasoup_standin_libuv;
