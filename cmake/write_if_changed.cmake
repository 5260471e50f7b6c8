# write_if_changed(PATH CONTENT): writes CONTENT to PATH unless PATH already holds it, so that a regenerated source
# whose text did not change does not make everything that includes it rebuild.
function(write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" previous)
    if(previous STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()
