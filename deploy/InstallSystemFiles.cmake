# Runs at install time (cmake --install, cpack): the config and the systemd units go
# to /etc and /lib/systemd/system when the prefix is /usr (the Debian package), else
# under the prefix, where systemd also looks (/usr/local/lib/systemd/system).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(etcDir /etc/intouch-sync)
  set(unitDir /lib/systemd/system)
else()
  set(etcDir ${CMAKE_INSTALL_PREFIX}/etc/intouch-sync)
  set(unitDir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()

# The service starts the binary, and reads the config and the secrets, where this
# installation puts them.
file(READ ${INTOUCH_UNIT_DIR}/intouch-sync.service service)
string(REPLACE "ExecStart=/usr/local/bin/intouch-sync"
               "ExecStart=${CMAKE_INSTALL_PREFIX}/bin/intouch-sync" service "${service}")
string(REPLACE "/etc/intouch-sync/" "${etcDir}/" service "${service}")
file(WRITE ${INTOUCH_STAGE_DIR}/intouch-sync.service "${service}")

# file(INSTALL) puts $DESTDIR in front of these absolute paths, as cpack needs.
file(INSTALL DESTINATION ${etcDir} TYPE FILE FILES ${INTOUCH_PACKAGED_CONFIG})
file(INSTALL DESTINATION ${unitDir} TYPE FILE
     FILES ${INTOUCH_STAGE_DIR}/intouch-sync.service ${INTOUCH_UNIT_DIR}/intouch-sync.timer)
