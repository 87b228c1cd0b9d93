# Writes a help2man include file with every command's own help (`intouch-sync help CMD`)
# as section COMMANDS, so that man intouch-sync shows what --help of each command shows.
# Usage: cmake -DBINARY=path/to/intouch-sync -DOUTPUT=file.h2m -P CommandsManSection.cmake
set(text "[COMMANDS]\n")
foreach(command migrate check sync reconcile status state plan)
  execute_process(COMMAND ${BINARY} help ${command} OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${BINARY} help ${command} exited ${rc}")
  endif()
  # The exit codes are in the main text already.
  string(REGEX REPLACE "\nExit codes:.*" "\n" help "${help}")
  # roff: a backslash is \e, a minus \-; a line starting with . or ' would be a request.
  string(REPLACE "\\" "\\e" help "${help}")
  string(REPLACE "-" "\\-" help "${help}")  # a minus, not a hyphen (--config)
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
  string(APPEND text ".SS ${command}\n.nf\n${help}.fi\n")
endforeach()
file(WRITE ${OUTPUT} "${text}")
