# The lab app of the puma family (lab_app.rb), as run by `puma config.ru`.
require_relative 'lab_app'

run LabApp.new
